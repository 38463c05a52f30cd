/**
 * Every SmartAPI route the platform uses (protocol §1.2, §2.1, §3), with its method, path and the
 * per-endpoint limits of §7.1. `lane` groups routes that share one limit; every route has its own by
 * default. placeOrder, modifyOrder and cancelOrder are limited at 20/s, 500/min and 1000/h EACH (the
 * §7.1 row names the three endpoints), so a burst of placements never holds a cancel back.
 * `write: true` marks calls that change broker state: never retried, and an unclear outcome is ambiguous.
 */
export interface RouteLimits {
  perSecond?: number;
  perMinute?: number;
  perHour?: number;
}

export interface RouteDef {
  name: RouteName;
  method: 'GET' | 'POST';
  path: string;
  lane: string;
  limits: RouteLimits;
  write: boolean;
  /** Sent without Authorization (login only). */
  public?: boolean;
}

const SECURE = '/rest/secure/angelbroking';
const ORDER_LIMITS: RouteLimits = { perSecond: 20, perMinute: 500, perHour: 1000 };
const TEN: RouteLimits = { perSecond: 10, perMinute: 500, perHour: 5000 };

const defs = {
  login: {
    method: 'POST',
    path: '/rest/auth/angelbroking/user/v1/loginByPassword',
    limits: { perSecond: 1 },
    write: false,
    public: true,
  },
  generateTokens: {
    method: 'POST',
    path: '/rest/auth/angelbroking/jwt/v1/generateTokens',
    limits: { perSecond: 1, perHour: 1000 },
    write: false,
    public: true,
  },
  getProfile: {
    method: 'GET',
    path: `${SECURE}/user/v1/getProfile`,
    limits: { perSecond: 3, perHour: 1000 },
    write: false,
  },
  logout: { method: 'POST', path: `${SECURE}/user/v1/logout`, limits: { perSecond: 1 }, write: false },
  getRMS: { method: 'GET', path: `${SECURE}/user/v1/getRMS`, limits: { perSecond: 2 }, write: false },
  placeOrder: {
    method: 'POST',
    path: `${SECURE}/order/v1/placeOrder`,
    limits: ORDER_LIMITS,
    write: true,
  },
  modifyOrder: {
    method: 'POST',
    path: `${SECURE}/order/v1/modifyOrder`,
    limits: ORDER_LIMITS,
    write: true,
  },
  cancelOrder: {
    method: 'POST',
    path: `${SECURE}/order/v1/cancelOrder`,
    limits: ORDER_LIMITS,
    write: true,
  },
  getOrderBook: {
    method: 'GET',
    path: `${SECURE}/order/v1/getOrderBook`,
    limits: { perSecond: 1 },
    write: false,
  },
  getTradeBook: {
    method: 'GET',
    path: `${SECURE}/order/v1/getTradeBook`,
    limits: { perSecond: 1 },
    write: false,
  },
  orderDetails: { method: 'GET', path: `${SECURE}/order/v1/details`, limits: TEN, write: false },
  getPosition: {
    method: 'GET',
    path: `${SECURE}/order/v1/getPosition`,
    limits: { perSecond: 1 },
    write: false,
  },
  getHolding: {
    method: 'GET',
    path: `${SECURE}/portfolio/v1/getHolding`,
    limits: { perSecond: 1 },
    write: false,
  },
  getAllHolding: {
    method: 'GET',
    path: `${SECURE}/portfolio/v1/getAllHolding`,
    limits: { perSecond: 1 },
    write: false,
  },
  convertPosition: { method: 'POST', path: `${SECURE}/order/v1/convertPosition`, limits: TEN, write: true },
  gttCreate: { method: 'POST', path: `${SECURE}/gtt/v1/createRule`, limits: TEN, write: true },
  gttModify: { method: 'POST', path: `${SECURE}/gtt/v1/modifyRule`, limits: TEN, write: true },
  // Limits for the other GTT calls are unreadable in the forum table (§7.1); assume the stricter 1/s.
  gttCancel: { method: 'POST', path: `${SECURE}/gtt/v1/cancelRule`, limits: { perSecond: 1 }, write: true },
  gttDetails: {
    method: 'POST',
    path: `${SECURE}/gtt/v1/ruleDetails`,
    limits: { perSecond: 1 },
    write: false,
  },
  gttList: { method: 'POST', path: `${SECURE}/gtt/v1/ruleList`, limits: { perSecond: 1 }, write: false },
  // The documented 500/min is 180/min in practice per a moderator (§3.1).
  getCandleData: {
    method: 'POST',
    path: `${SECURE}/historical/v1/getCandleData`,
    limits: { perSecond: 3, perMinute: 180 },
    write: false,
  },
  // Announcements conflict (1/s vs 10/s); design for 1/s (§3.2).
  marketQuote: {
    method: 'POST',
    path: `${SECURE}/market/v1/quote`,
    limits: { perSecond: 1, perMinute: 500, perHour: 5000 },
    write: false,
  },
  searchScrip: {
    method: 'POST',
    path: `${SECURE}/order/v1/searchScrip`,
    limits: { perSecond: 1 },
    write: false,
  },
  marginBatch: { method: 'POST', path: `${SECURE}/margin/v1/batch`, limits: TEN, write: false },
} as const satisfies Record<string, Omit<RouteDef, 'name' | 'lane'> & { lane?: string }>;

export type RouteName = keyof typeof defs;

export const ROUTES: { readonly [K in RouteName]: RouteDef } = Object.fromEntries(
  Object.entries(defs).map(([name, d]) => [name, { lane: name, ...d, name } as RouteDef]),
) as { [K in RouteName]: RouteDef };
