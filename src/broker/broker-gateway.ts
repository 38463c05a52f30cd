/**
 * The broker port, also the DI token. Domain words only: adapters (Angel One now, paper later) map
 * these onto their wire formats. Failures throw `BrokerError` (see broker.errors.ts); callers must treat
 * `kind: 'ambiguous'` on placeOrder as "may exist" and resolve it with `findOrderByTag`, never by resending.
 */
import type { Candle, Instrument, Tick } from '@/domain/market';
import type {
  BrokerHolding,
  BrokerOrder,
  BrokerPosition,
  BrokerProfile,
  BrokerTrade,
  CandleRequest,
  Funds,
  ModifyOrderRequest,
  OrderAck,
  OrderUpdate,
  PlaceOrderRequest,
  Quote,
  QuoteMode,
  SessionStatus,
  TickSubscription,
} from '@/broker/broker.types';

export type Unsubscribe = () => void;

export abstract class BrokerGateway {
  /** Logs in (or reuses a stored live session) and opens the streams. Idempotent. */
  abstract connect(): Promise<void>;
  /** Closes the streams and timers; `logout` also ends the broker session. */
  abstract disconnect(opts?: { logout?: boolean }): Promise<void>;
  abstract sessionStatus(): SessionStatus;
  abstract profile(): Promise<BrokerProfile>;

  abstract placeOrder(req: PlaceOrderRequest): Promise<OrderAck>;
  abstract modifyOrder(req: ModifyOrderRequest): Promise<OrderAck>;
  abstract cancelOrder(brokerOrderId: string): Promise<OrderAck>;
  abstract orderBook(): Promise<BrokerOrder[]>;
  /** The order carrying this tag, or null when the broker has none: the answer to an ambiguous placement. */
  abstract findOrderByTag(tag: string): Promise<BrokerOrder | null>;
  abstract tradeBook(): Promise<BrokerTrade[]>;
  abstract positions(): Promise<BrokerPosition[]>;
  abstract holdings(): Promise<BrokerHolding[]>;
  abstract funds(): Promise<Funds>;

  abstract historicalCandles(req: CandleRequest): Promise<Candle[]>;
  abstract quotes(
    instruments: Pick<Instrument, 'symbol' | 'exchange' | 'token'>[],
    mode?: QuoteMode,
  ): Promise<Quote[]>;
  /** The broker's full instrument list (large; the instrument service stores it). */
  abstract instrumentMaster(): Promise<Instrument[]>;

  abstract subscribeTicks(subs: TickSubscription[]): void;
  abstract unsubscribeTicks(subs: TickSubscription[]): void;
  /** Handlers run on the socket's hot path; the Tick object passed is a fresh copy and may be kept. */
  abstract onTick(handler: (tick: Tick) => void): Unsubscribe;
  abstract onOrderUpdate(handler: (update: OrderUpdate) => void): Unsubscribe;
}
