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
import { PaperBook, type PaperBookState } from './paper-book';
import { BrokerError } from '@/broker/broker.errors';
import { DEFAULT_PAPER_FILL, type PaperFillOptions } from './paper-matcher';
import type { InstrumentSpec } from './paper-order';

export interface PaperGatewayOptions {
  /** The real gateway for market data and the session; its order methods are never called. */
  inner: BrokerGateway;
  /** Starting cash of the paper account. */
  capitalPaise: Paise;
  clock?: Clock;
  fill?: Partial<PaperFillOptions>;
  /**
   * Lot and tick size of an instrument, synchronously (e.g. `InstrumentCatalog.peekByToken`); unknown
   * instruments trade in lots of 1 on a 1-paisa tick.
   */
  instrumentSpec?: (
    instrument: Pick<Instrument, 'symbol' | 'exchange' | 'token'>,
  ) => InstrumentSpec | undefined;
  /** A cached snapshot older than this is not filled against at placement; the order waits for a tick. */
  maxQuoteAgeMs?: number;
  /** Keeps the book across restarts (orders, positions, trades); without it the book lives in memory. */
  store?: PaperStateStore;
  /** Where a throwing order-update listener or a failed state save is reported. */
  onError?: (message: string) => void;
}

/** Persistence port for the paper book (see paper-state.store.ts for the Redis adapter). */
export interface PaperStateStore {
  load(): Promise<PaperBookState | null>;
  save(state: PaperBookState): Promise<void>;
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
  /** The saved book is loaded before any order call is answered: an empty book must never stand in for it. */
  private ready: Promise<void>;
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;

  constructor(private readonly o: PaperGatewayOptions) {
    super();
    this.clock = o.clock ?? new SystemClock();
    this.depth = new DepthSubscriptions(o.inner);
    this.book = new PaperBook({
      clock: this.clock,
      capitalPaise: o.capitalPaise,
      fill: { ...DEFAULT_PAPER_FILL, ...o.fill },
      maxQuoteAgeMs: o.maxQuoteAgeMs ?? 10_000,
      specOf: (instrument) => o.instrumentSpec?.(instrument) ?? { lotSize: 1, tickSizePaise: 1 },
      emit: (order, code) => this.emit(order, code),
      hold: (instrument) => this.depth.hold(instrument),
      release: (key) => this.depth.release(key),
    });
    // Registered first, so fills are booked before the rest of the app sees the same tick.
    o.inner.onTick((t) => this.book.onTick(t));
    this.ready = this.restore();
  }

  /** Resolves once every state change so far is saved (shutdown, tests). */
  async settled(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    await this.saving;
  }

  // --- delegated to the real gateway -----------------------------------------------------------
  async connect(): Promise<void> {
    // A failed load is retried on (re)connect; until it succeeds order calls are refused.
    await this.ready.catch(() => (this.ready = this.restore()));
    await this.o.inner.connect();
  }
  async disconnect(opts?: { logout?: boolean }): Promise<void> {
    await this.settled();
    await this.o.inner.disconnect(opts);
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
    return this.whenReady('placeOrder', () => ack(this.book.place(req)));
  }

  modifyOrder(req: ModifyOrderRequest): Promise<OrderAck> {
    return this.whenReady('modifyOrder', () => ack(this.book.modify(req)));
  }

  cancelOrder(brokerOrderId: string): Promise<OrderAck> {
    return this.whenReady('cancelOrder', () => ack(this.book.cancel(brokerOrderId)));
  }

  orderBook(): Promise<BrokerOrder[]> {
    return this.whenReady('orderBook', () => this.book.list());
  }

  findOrderByTag(tag: string): Promise<BrokerOrder | null> {
    return this.whenReady('orderBook', () => this.book.list().find((o) => o.tag === tag) ?? null);
  }

  tradeBook(): Promise<BrokerTrade[]> {
    return this.whenReady('tradeBook', () => this.book.ledger.tradeBook());
  }

  positions(): Promise<BrokerPosition[]> {
    return this.whenReady('positions', () => this.book.ledger.positions());
  }

  /** Paper trades settle nowhere: the demat account holds nothing. */
  holdings(): Promise<BrokerHolding[]> {
    return Promise.resolve([]);
  }

  funds(): Promise<Funds> {
    return this.whenReady('funds', () => this.book.funds());
  }

  private restore(): Promise<void> {
    const store = this.o.store;
    if (!store) return Promise.resolve();
    const loading = store.load().then((state) => {
      if (state) this.book.importState(state);
    });
    // Callers see the failure through whenReady; this handler only keeps it from being "unhandled".
    loading.catch((err: unknown) => this.o.onError?.(`paper state not loaded: ${String(err)}`));
    return loading;
  }

  private whenReady<T>(route: string, fn: () => T): Promise<T> {
    return this.ready.then(
      () => attempt(fn),
      (err: unknown) => {
        throw new BrokerError('unavailable', route, `paper book not loaded: ${String(err)}`);
      },
    );
  }

  /** One save at a time, always of the latest book; a save already queued covers later changes. */
  private persist(): void {
    const store = this.o.store;
    if (!store || this.saveQueued) return;
    this.saveQueued = true;
    this.saving = this.saving
      .then(() => {
        this.saveQueued = false;
        return store.save(this.book.exportState());
      })
      .catch((err: unknown) => this.o.onError?.(`paper state not saved: ${String(err)}`));
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
            this.o.onError?.(`order-update listener failed: ${String(err)}`);
          }
        }
      this.persist();
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
