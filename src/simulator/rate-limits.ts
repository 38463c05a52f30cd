import type { Clock } from '@/common/clock';

export interface BucketLimits {
  perSecond?: number;
  perMinute?: number;
  perHour?: number;
}

/** placeOrder, modifyOrder and cancelOrder each (one bucket per route, not one shared by the three). */
const ORDERS: BucketLimits = { perSecond: 20, perMinute: 500, perHour: 1000 };
const DATA: BucketLimits = { perSecond: 10, perMinute: 500, perHour: 5000 };
const BOOKS: BucketLimits = { perSecond: 1 };

/** Protocol §7.1, per route name. Market quote takes the stricter 1/s of the Nov-2023 announcement. */
export const RATE_LIMITS: Record<string, BucketLimits> = {
  loginByPassword: { perSecond: 1 },
  generateTokens: { perSecond: 1, perHour: 1000 },
  getProfile: { perSecond: 3, perHour: 1000 },
  logout: { perSecond: 1 },
  getRMS: { perSecond: 2 },
  placeOrder: ORDERS,
  modifyOrder: ORDERS,
  cancelOrder: ORDERS,
  getOrderBook: BOOKS,
  getTradeBook: BOOKS,
  getPosition: BOOKS,
  searchScrip: BOOKS,
  getHolding: BOOKS,
  getAllHolding: BOOKS,
  getLtpData: DATA,
  convertPosition: DATA,
  orderDetails: DATA,
  marketQuote: { perSecond: 1, perMinute: 500, perHour: 5000 },
  marginBatch: DATA,
  gttCreate: DATA,
  gttModify: DATA,
  gttCancel: DATA,
  gttDetails: DATA,
  gttList: DATA,
  getCandleData: { perSecond: 3, perMinute: 180 },
};

interface Window {
  start: number;
  count: number;
}

/**
 * Fixed-window counters per (client code, route) for each of second, minute and hour. A refused call
 * does not consume the budget, so a client that backs off recovers at the next window.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: Record<string, BucketLimits> = RATE_LIMITS,
  ) {}

  /** True when the call is allowed (and counted). */
  take(clientKey: string, route: string): boolean {
    const l = this.limits[route];
    if (!l) return true;
    const spec: Array<[number | undefined, number]> = [
      [l.perSecond, 1000],
      [l.perMinute, 60_000],
      [l.perHour, 3_600_000],
    ];
    const key = `${clientKey}\u0000${route}`;
    let ws = this.windows.get(key);
    if (!ws) {
      ws = spec.map(() => ({ start: 0, count: 0 }));
      this.windows.set(key, ws);
    }
    const now = this.clock.now();
    for (let k = 0; k < spec.length; k++) {
      const [limit, size] = spec[k];
      if (limit === undefined) continue;
      const start = now - (now % size);
      if (ws[k].start !== start) ws[k] = { start, count: 0 };
      if (ws[k].count >= limit) return false;
    }
    for (let k = 0; k < spec.length; k++) if (spec[k][0] !== undefined) ws[k].count++;
    return true;
  }

  reset(): void {
    this.windows.clear();
  }
}

export const RATE_LIMIT_BODY = 'Access denied because of exceeding access rate';
