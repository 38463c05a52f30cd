/**
 * `BrokerGateway` for TRADING_MODE=paper: market data (ticks, quotes, candles, instruments, session)
 * comes from the wrapped real gateway; orders never leave the process. They fill locally against the
 * live depth (see paper-matcher.ts: asks for buys, bids for sells, walking levels, never the LTP),
 * limits rest until the quote crosses them, stops trigger on the last traded price, and every change
 * is reported on `onOrderUpdate` like the broker's order-update stream. State lives in memory for the
 * process's lifetime (the broker's book also starts empty each day).
 */
import { BrokerGateway, type Unsubscribe } from '@/broker/broker-gateway';
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
import { Clock, SystemClock } from '@/common/clock';
import type { Paise } from '@/common/money';
import type { Candle, Instrument, Tick } from '@/domain/market';
import { DepthSubscriptions } from './depth-subscriptions';
import { PaperBook } from './paper-book';
import { DEFAULT_PAPER_FILL, type PaperFillOptions } from './paper-matcher';
import type { InstrumentSpec } from './paper-order';

export interface PaperGatewayOptions {
  /** The real gateway for market data and the session; its order methods are never called. */
  inner: BrokerGateway;
  /** Starting cash of the paper account. */
  capitalPaise: Paise;
  clock?: Clock;
  fill?: Partial<PaperFillOptions>;
  /** Lot and tick size per platform symbol (e.g. from the instrument catalog); default 1 and 1 paisa. */
  instrumentSpec?: (symbol: string) => InstrumentSpec | undefined;
  /** A cached snapshot older than this is not filled against at placement; the order waits for a tick. */
  maxQuoteAgeMs?: number;
  /** Where a throwing order-update listener is reported (it never stops the others). */
  onListenerError?: (err: unknown) => void;
}

/** Order-update codes of the broker's stream, by the status they announce. */
const EVENT: Partial<Record<BrokerOrder['status'], string>> = {
  OPEN: 'AB01',
  CANCELLED: 'AB02',
  REJECTED: 'AB03',
  COMPLETE: 'AB05',
  PENDING: 'AB09',
  TRIGGER_PENDING: 'AB10',
};

export class PaperGateway extends BrokerGateway {
  private readonly clock: Clock;
  private readonly book: PaperBook;
  private readonly depth: DepthSubscriptions;
  private readonly updateHandlers = new Set<(u: OrderUpdate) => void>();
  private outbox: OrderUpdate[] = [];
  private flushScheduled = false;

  constructor(private readonly o: PaperGatewayOptions) {
    super();
    this.clock = o.clock ?? new SystemClock();
    this.depth = new DepthSubscriptions(o.inner);
    this.book = new PaperBook({
      clock: this.clock,
      capitalPaise: o.capitalPaise,
      fill: { ...DEFAULT_PAPER_FILL, ...o.fill },
      maxQuoteAgeMs: o.maxQuoteAgeMs ?? 10_000,
      specOf: (symbol) => o.instrumentSpec?.(symbol) ?? { lotSize: 1, tickSizePaise: 1 },
      emit: (order, code) => this.emit(order, code),
      hold: (instrument) => this.depth.hold(instrument),
      release: (key) => this.depth.release(key),
    });
    // Registered first, so fills are booked before the rest of the app sees the same tick.
    o.inner.onTick((t) => this.book.onTick(t));
  }

  // --- delegated to the real gateway -----------------------------------------------------------
  connect(): Promise<void> {
    return this.o.inner.connect();
  }
  disconnect(opts?: { logout?: boolean }): Promise<void> {
    return this.o.inner.disconnect(opts);
  }
  sessionStatus(): SessionStatus {
    return this.o.inner.sessionStatus();
  }
  profile(): Promise<BrokerProfile> {
    return this.o.inner.profile();
  }
  historicalCandles(req: CandleRequest): Promise<Candle[]> {
    return this.o.inner.historicalCandles(req);
  }
  quotes(
    instruments: Pick<Instrument, 'symbol' | 'exchange' | 'token'>[],
    mode?: QuoteMode,
  ): Promise<Quote[]> {
    return this.o.inner.quotes(instruments, mode);
  }
  instrumentMaster(): Promise<Instrument[]> {
    return this.o.inner.instrumentMaster();
  }
  subscribeTicks(subs: TickSubscription[]): void {
    this.depth.subscribe(subs);
  }
  unsubscribeTicks(subs: TickSubscription[]): void {
    this.depth.unsubscribe(subs);
  }
  onTick(handler: (tick: Tick) => void): Unsubscribe {
    return this.o.inner.onTick(handler);
  }

  // --- the paper account -----------------------------------------------------------------------
  onOrderUpdate(handler: (update: OrderUpdate) => void): Unsubscribe {
    this.updateHandlers.add(handler);
    return () => this.updateHandlers.delete(handler);
  }

  placeOrder(req: PlaceOrderRequest): Promise<OrderAck> {
    return attempt(() => ack(this.book.place(req)));
  }

  modifyOrder(req: ModifyOrderRequest): Promise<OrderAck> {
    return attempt(() => ack(this.book.modify(req)));
  }

  cancelOrder(brokerOrderId: string): Promise<OrderAck> {
    return attempt(() => ack(this.book.cancel(brokerOrderId)));
  }

  orderBook(): Promise<BrokerOrder[]> {
    return Promise.resolve(this.book.list());
  }

  findOrderByTag(tag: string): Promise<BrokerOrder | null> {
    return Promise.resolve(this.book.list().find((o) => o.tag === tag) ?? null);
  }

  tradeBook(): Promise<BrokerTrade[]> {
    return Promise.resolve(this.book.ledger.tradeBook());
  }

  positions(): Promise<BrokerPosition[]> {
    return Promise.resolve(this.book.ledger.positions());
  }

  /** Paper trades settle nowhere: the demat account holds nothing. */
  holdings(): Promise<BrokerHolding[]> {
    return Promise.resolve([]);
  }

  funds(): Promise<Funds> {
    return Promise.resolve(this.book.funds());
  }

  /** Updates go out after the current call returns, in order, like frames from the broker's socket. */
  private emit(order: BrokerOrder, eventCode = EVENT[order.status]): void {
    this.outbox.push({ order, eventCode: eventCode ?? null, source: 'stream', receivedAt: this.clock.now() });
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.outbox;
      this.outbox = [];
      for (const u of batch)
        for (const h of this.updateHandlers) {
          try {
            h(u);
          } catch (err) {
            // One failing listener must not starve the others of updates.
            this.o.onListenerError?.(err);
          }
        }
    });
  }
}

function ack(order: BrokerOrder): OrderAck {
  return { brokerOrderId: order.brokerOrderId, uniqueOrderId: order.uniqueOrderId };
}

/** Synchronous refusals become rejected promises, like the real gateway's. */
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
