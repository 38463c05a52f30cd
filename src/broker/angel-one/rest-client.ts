/**
 * Typed SmartAPI REST client: one method per route (routes.ts cites each path; protocol §1.2, §2, §3).
 * Bodies use SmartAPI's own field names (the mapper builds them from domain types); replies are parsed
 * by schemas.ts into coerced numbers and integer paise.
 */
import { z } from 'zod';
import type { CallOptions, HttpTransport } from './http-transport';
import { ROUTES } from './routes';
import * as s from './schemas';

export interface WireOrderParams {
  variety: 'NORMAL' | 'STOPLOSS' | 'AMO' | 'ROBO';
  tradingsymbol: string;
  symboltoken: string;
  transactiontype: 'BUY' | 'SELL';
  exchange: string;
  ordertype: 'MARKET' | 'LIMIT' | 'STOPLOSS_LIMIT' | 'STOPLOSS_MARKET';
  producttype: 'DELIVERY' | 'CARRYFORWARD' | 'MARGIN' | 'INTRADAY' | 'BO';
  duration: 'DAY' | 'IOC';
  price: string;
  triggerprice?: string;
  quantity: string;
  disclosedquantity?: string;
  ordertag?: string;
}
export type WireModifyParams = Omit<WireOrderParams, 'transactiontype' | 'ordertag' | 'disclosedquantity'> & {
  orderid: string;
};
export interface WireCandleParams {
  exchange: string;
  symboltoken: string;
  interval: string;
  fromdate: string;
  todate: string;
}
export interface WireGttCreate {
  tradingsymbol: string;
  symboltoken: string;
  exchange: string;
  producttype: string;
  transactiontype: string;
  price: string;
  qty: string;
  disclosedqty: string;
  triggerprice: string;
  timeperiod: string;
}
/** What the orders lane needs to schedule a write: exits/cancels first, and the egress cap by segment. */
export type WriteOptions = Pick<CallOptions, 'priority' | 'segment'>;

export class AngelRestClient {
  constructor(
    private readonly http: HttpTransport,
    private readonly jwt: () => string | null,
  ) {}

  private auth(extra: Partial<CallOptions> = {}): CallOptions {
    return { jwt: this.jwt(), ...extra };
  }

  /** POST /rest/auth/angelbroking/user/v1/loginByPassword (password = MPIN). */
  login(body: { clientcode: string; password: string; totp: string }) {
    return this.http.call(ROUTES.login, s.sessionTokens, { body });
  }
  /** POST /rest/auth/angelbroking/jwt/v1/generateTokens */
  generateTokens(refreshToken: string) {
    return this.http.call(ROUTES.generateTokens, s.sessionTokens, {
      body: { refreshToken },
      jwt: this.jwt(),
    });
  }
  /** GET /rest/secure/angelbroking/user/v1/getProfile */
  getProfile() {
    return this.http.call(ROUTES.getProfile, s.profile, this.auth());
  }
  /** POST /rest/secure/angelbroking/user/v1/logout */
  logout(clientcode: string) {
    return this.http.call(ROUTES.logout, s.nullData, this.auth({ body: { clientcode } }));
  }
  /** GET /rest/secure/angelbroking/user/v1/getRMS */
  getRMS() {
    return this.http.call(ROUTES.getRMS, s.rms, this.auth());
  }
  /** POST /rest/secure/angelbroking/order/v1/placeOrder — never retried. */
  placeOrder(body: WireOrderParams, w: WriteOptions = {}) {
    return this.http.call(ROUTES.placeOrder, s.orderAck, this.auth({ body, ...w }));
  }
  /** POST /rest/secure/angelbroking/order/v1/modifyOrder — never retried. */
  modifyOrder(body: WireModifyParams, w: WriteOptions = {}) {
    return this.http.call(ROUTES.modifyOrder, s.orderAck, this.auth({ body, ...w }));
  }
  /** POST /rest/secure/angelbroking/order/v1/cancelOrder — never retried; needs the numeric orderid. */
  cancelOrder(body: { variety: string; orderid: string }, w: WriteOptions = {}) {
    return this.http.call(ROUTES.cancelOrder, s.orderAck, this.auth({ body, priority: 'high', ...w }));
  }
  /** GET /rest/secure/angelbroking/order/v1/getOrderBook */
  getOrderBook() {
    return this.http.call(ROUTES.getOrderBook, s.orderBook, this.auth());
  }
  /** GET /rest/secure/angelbroking/order/v1/getTradeBook */
  getTradeBook() {
    return this.http.call(ROUTES.getTradeBook, s.tradeBook, this.auth());
  }
  /** GET /rest/secure/angelbroking/order/v1/details/{uniqueorderid} */
  orderDetails(uniqueOrderId: string) {
    return this.http.call(
      ROUTES.orderDetails,
      s.orderRow,
      this.auth({ pathSuffix: `/${encodeURIComponent(uniqueOrderId)}` }),
    );
  }
  /** GET /rest/secure/angelbroking/order/v1/getPosition */
  getPosition() {
    return this.http.call(ROUTES.getPosition, s.positions, this.auth());
  }
  /** GET /rest/secure/angelbroking/portfolio/v1/getHolding */
  getHolding() {
    return this.http.call(ROUTES.getHolding, s.holdings, this.auth());
  }
  /** GET /rest/secure/angelbroking/portfolio/v1/getAllHolding */
  getAllHolding() {
    return this.http.call(ROUTES.getAllHolding, s.allHoldings, this.auth());
  }
  /** POST /rest/secure/angelbroking/order/v1/convertPosition */
  convertPosition(body: {
    exchange: string;
    symboltoken: string;
    oldproducttype: string;
    newproducttype: string;
    tradingsymbol: string;
    transactiontype: string;
    quantity: string;
    type: 'DAY';
  }) {
    return this.http.call(ROUTES.convertPosition, s.nullData, this.auth({ body }));
  }
  /** POST /rest/secure/angelbroking/gtt/v1/createRule */
  gttCreate(body: WireGttCreate) {
    return this.http.call(ROUTES.gttCreate, s.gttId, this.auth({ body }));
  }
  /** POST /rest/secure/angelbroking/gtt/v1/modifyRule */
  gttModify(body: Omit<WireGttCreate, 'tradingsymbol' | 'producttype' | 'transactiontype'> & { id: string }) {
    return this.http.call(ROUTES.gttModify, s.gttId, this.auth({ body }));
  }
  /** POST /rest/secure/angelbroking/gtt/v1/cancelRule */
  gttCancel(body: { id: string; symboltoken: string; exchange: string }) {
    return this.http.call(ROUTES.gttCancel, s.gttId, this.auth({ body }));
  }
  /** POST /rest/secure/angelbroking/gtt/v1/ruleDetails */
  gttDetails(id: string) {
    return this.http.call(ROUTES.gttDetails, s.gttRule, this.auth({ body: { id } }));
  }
  /** POST /rest/secure/angelbroking/gtt/v1/ruleList — `status` must be an array (§2.5). */
  gttList(body: {
    status: ('NEW' | 'CANCELLED' | 'ACTIVE' | 'SENTTOEXCHANGE' | 'FORALL')[];
    page: number;
    count: number;
  }) {
    return this.http.call(ROUTES.gttList, s.gttList, this.auth({ body }));
  }
  /** POST /rest/secure/angelbroking/historical/v1/getCandleData */
  getCandleData(body: WireCandleParams) {
    return this.http.call(ROUTES.getCandleData, s.candles, this.auth({ body }));
  }
  /** POST /rest/secure/angelbroking/market/v1/quote (≤ 50 tokens per request). */
  marketQuote(body: { mode: 'LTP' | 'OHLC' | 'FULL'; exchangeTokens: Record<string, string[]> }) {
    return this.http.call(ROUTES.marketQuote, s.quotes, this.auth({ body }));
  }
  /** POST /rest/secure/angelbroking/order/v1/searchScrip */
  searchScrip(body: { exchange: string; searchscrip: string }) {
    return this.http.call(ROUTES.searchScrip, s.searchScrip, this.auth({ body }));
  }
  /** POST /rest/secure/angelbroking/margin/v1/batch */
  marginBatch(body: {
    positions: {
      exchange: string;
      qty: number;
      price: number;
      productType: string;
      token: string;
      tradeType: string;
    }[];
  }) {
    return this.http.call(ROUTES.marginBatch, s.marginBatch, this.auth({ body }));
  }
}

export type OrderRowWire = z.output<typeof s.orderRow>;
