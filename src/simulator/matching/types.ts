import type { SimInstrument } from '../market/instruments';

export const VARIETIES = ['NORMAL', 'STOPLOSS', 'AMO', 'ROBO'] as const;
export const ORDER_TYPES = ['MARKET', 'LIMIT', 'STOPLOSS_LIMIT', 'STOPLOSS_MARKET'] as const;
export const PRODUCT_TYPES = ['DELIVERY', 'CARRYFORWARD', 'MARGIN', 'INTRADAY', 'BO'] as const;
export const DURATIONS = ['DAY', 'IOC'] as const;
export const SIDES = ['BUY', 'SELL'] as const;
export const EXCHANGES = ['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS'] as const;

export type Variety = (typeof VARIETIES)[number];
export type SimOrderType = (typeof ORDER_TYPES)[number];
export type SimProductType = (typeof PRODUCT_TYPES)[number];
export type Duration = (typeof DURATIONS)[number];
export type SimSide = (typeof SIDES)[number];

/** Angel's order status strings (protocol §2.3). */
export type OrderStatus = 'open' | 'trigger pending' | 'complete' | 'cancelled' | 'rejected';

/** A validated placeOrder request in simulator terms (prices in paise). */
export interface PlaceRequest {
  variety: Variety;
  tradingsymbol: string;
  symboltoken: string;
  transactiontype: SimSide;
  exchange: string;
  ordertype: SimOrderType;
  producttype: SimProductType;
  duration: Duration;
  pricePaise: number;
  triggerPaise: number;
  quantity: number;
  disclosedquantity: number;
  ordertag: string;
  squareoffPaise: number;
  stoplossPaise: number;
  trailingPaise: number;
}

export interface ModifyRequest {
  orderid: string;
  ordertype: SimOrderType;
  producttype?: SimProductType;
  duration?: Duration;
  pricePaise: number;
  triggerPaise?: number;
  quantity: number;
}

export interface SimOrder extends PlaceRequest {
  clientCode: string;
  orderid: string;
  uniqueorderid: string;
  instrument: SimInstrument | undefined;
  status: OrderStatus;
  /** A stop-loss order whose trigger was hit now works as a LIMIT or MARKET order. */
  triggered: boolean;
  text: string;
  filled: number;
  fillValuePaise: number;
  cancelled: number;
  /** Margin still blocked for the unfilled part. */
  blockedPaise: number;
  createdAt: number;
  updatedAt: number;
  exchangeTime: number | null;
  lastFillId: string;
  lastFillTime: number | null;
}

export interface SimTrade {
  clientCode: string;
  orderid: string;
  fillid: string;
  filltime: number;
  pricePaise: number;
  quantity: number;
  side: SimSide;
  producttype: SimProductType;
  instrument: SimInstrument;
}

export type OrderEventKind =
  'placed' | 'rejected' | 'triggered' | 'fill' | 'complete' | 'modified' | 'cancelled';

export interface OrderEvent {
  kind: OrderEventKind;
  order: SimOrder;
}

export type EngineResult<T> = { ok: true; value: T } | { ok: false; errorcode: string; message: string };
