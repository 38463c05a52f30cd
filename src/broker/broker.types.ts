/**
 * Broker results in domain words (no SmartAPI field names). Money is integer paise, times epoch ms UTC.
 * The Angel One mapper and the paper adapter both produce these shapes.
 */
import type { Paise } from '@/common/money';
import type { Exchange, Instrument, OrderType, ProductType, Side, TickMode, Validity } from '@/domain/market';

/** What the platform asks the broker to place. `tag` is the idempotency key (SmartAPI `ordertag`, < 20 chars). */
export interface PlaceOrderRequest {
  tag: string;
  instrument: Pick<Instrument, 'symbol' | 'exchange' | 'tradingSymbol' | 'token'>;
  side: Side;
  quantity: number;
  type: OrderType;
  product: ProductType;
  validity: Validity;
  pricePaise?: Paise;
  triggerPricePaise?: Paise;
  disclosedQuantity?: number;
  /** Exits and cancels are served before entries when the egress limiter is saturated. */
  priority?: 'exit' | 'entry';
}

export interface ModifyOrderRequest {
  brokerOrderId: string;
  instrument: Pick<Instrument, 'symbol' | 'exchange' | 'tradingSymbol' | 'token'>;
  quantity: number;
  type: OrderType;
  product: ProductType;
  validity: Validity;
  pricePaise?: Paise;
  triggerPricePaise?: Paise;
}

/** The broker took the request. Not acceptance by the exchange: RMS rejections arrive later as updates. */
export interface OrderAck {
  brokerOrderId: string;
  uniqueOrderId: string | null;
}

export type BrokerOrderStatus =
  | 'PENDING' // received / validation pending / open pending
  | 'OPEN'
  | 'TRIGGER_PENDING'
  | 'COMPLETE'
  | 'CANCELLED'
  | 'REJECTED'
  | 'MODIFY_PENDING'
  | 'CANCEL_PENDING'
  | 'UNKNOWN';

export interface BrokerOrder {
  brokerOrderId: string;
  uniqueOrderId: string | null;
  tag: string | null;
  symbol: string;
  exchange: Exchange;
  token: string;
  side: Side;
  type: OrderType;
  product: ProductType;
  validity: Validity;
  quantity: number;
  filledQuantity: number;
  pendingQuantity: number;
  cancelledQuantity: number;
  pricePaise: Paise;
  triggerPricePaise: Paise;
  averagePricePaise: Paise;
  status: BrokerOrderStatus;
  /** The broker's own status text, kept for audit ("trigger pending", "rejected"...). */
  rawStatus: string;
  /** Rejection reason or exchange message. */
  message: string;
  updatedAt: number | null;
}

export interface OrderUpdate {
  order: BrokerOrder;
  /** Broker event code (e.g. AB05 complete); null when synthesised by polling. */
  eventCode: string | null;
  source: 'stream' | 'poll';
  receivedAt: number;
}

export interface BrokerTrade {
  brokerOrderId: string;
  fillId: string;
  symbol: string;
  exchange: Exchange;
  side: Side;
  product: ProductType;
  quantity: number;
  pricePaise: Paise;
  /** IST wall time HH:MM:SS as reported; the broker sends no date. */
  fillTime: string;
}

export interface BrokerPosition {
  symbol: string;
  exchange: Exchange;
  token: string;
  product: ProductType;
  netQuantity: number;
  buyQuantity: number;
  sellQuantity: number;
  buyAveragePaise: Paise;
  sellAveragePaise: Paise;
  netPricePaise: Paise;
  buyValuePaise: Paise;
  sellValuePaise: Paise;
}

export interface BrokerHolding {
  symbol: string;
  exchange: Exchange;
  token: string;
  isin: string;
  quantity: number;
  t1Quantity: number;
  averagePricePaise: Paise;
  ltpPaise: Paise;
  closePaise: Paise;
  pnlPaise: Paise;
}

export interface Funds {
  netPaise: Paise;
  availableCashPaise: Paise;
  availableMarginPaise: Paise;
  utilisedPaise: Paise;
  collateralPaise: Paise;
  m2mUnrealisedPaise: Paise;
  m2mRealisedPaise: Paise;
}

export interface Quote {
  symbol: string;
  exchange: Exchange;
  token: string;
  ltpPaise: Paise;
  openPaise?: Paise;
  highPaise?: Paise;
  lowPaise?: Paise;
  closePaise?: Paise;
  volume?: number;
  upperCircuitPaise?: Paise;
  lowerCircuitPaise?: Paise;
  exchangeTime?: number | null;
}

export type QuoteMode = 'LTP' | 'OHLC' | 'FULL';

export interface CandleRequest {
  instrument: Pick<Instrument, 'symbol' | 'exchange' | 'token'>;
  interval: import('@/domain/market').Interval;
  from: number; // epoch ms UTC
  to: number; // epoch ms UTC
}

export interface TickSubscription {
  instrument: Pick<Instrument, 'symbol' | 'exchange' | 'token'>;
  mode: TickMode;
}

export type SessionState = 'DISCONNECTED' | 'CONNECTING' | 'CONNECTED' | 'FAILED';

export interface SessionStatus {
  state: SessionState;
  since: number;
  /** A clear, secret-free explanation when FAILED (e.g. wrong MPIN). */
  reason?: string;
  expiresAt?: number | null;
}

export interface BrokerProfile {
  clientCode: string;
  name: string;
  exchanges: string[];
  products: string[];
}
