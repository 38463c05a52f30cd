/**
 * `BrokerGateway` for TRADING_MODE=paper: market data (ticks, quotes, candles, instruments, session)
 * comes from the wrapped real gateway; orders never leave the process. They fill locally against the
 * live depth (see paper-matcher.ts: asks for buys, bids for sells, walking levels, never the LTP),
 * limits rest until the quote crosses them, stops trigger on the last traded price, and every change
 * is reported on `onOrderUpdate` like the broker's order-update stream. State lives in memory for the
 * process's lifetime (the broker's book also starts empty each day).
 */
import { randomUUID } from 'node:crypto';
import { BrokerGateway, type Unsubscribe } from '@/broker/broker-gateway';
import { BrokerError } from '@/broker/broker.errors';
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
import { DepthSubscriptions, instrumentKey } from './depth-subscriptions';
import { PaperLedger } from './paper-ledger';
import {
  DEFAULT_PAPER_FILL,
  hasDepth,
  matchAgainstDepth,
  stopTriggered,
  touchPrice,
  type PaperFillOptions,
} from './paper-matcher';
import {
  applyModify,
  isStop,
  isWorking,
  newOrder,
  setStatus,
  validateShape,
  workingLimit,
  type InstrumentSpec,
  type PaperOrder,
} from './paper-order';

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
}

interface Snapshot {
  tick: Tick;
  seq: number;
  consumed: { BUY: Map<Paise, number>; SELL: Map<Paise, number> };
}

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
  private readonly fill: PaperFillOptions;
  private readonly ledger: PaperLedger;
  private readonly depth: DepthSubscriptions;
  private readonly orders = new Map<string, PaperOrder>();
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly ltp = new Map<string, Paise>();
  private readonly updateHandlers = new Set<(u: OrderUpdate) => void>();
  private outbox: OrderUpdate[] = [];
  private flushScheduled = false;
  private seq = 0;
  private nextId = 1;

  constructor(private readonly o: PaperGatewayOptions) {
    super();
    this.clock = o.clock ?? new SystemClock();
    this.fill = { ...DEFAULT_PAPER_FILL, ...o.fill };
    this.ledger = new PaperLedger(o.capitalPaise);
    this.depth = new DepthSubscriptions(o.inner);
    o.inner.onTick((t) => this.onMarketTick(t));
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
  private emit(p: PaperOrder, eventCode = EVENT[p.order.status] ?? null): void {
    this.outbox.push({ order: { ...p.order }, eventCode, source: 'stream', receivedAt: this.clock.now() });
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
          } catch {
            // One failing listener must not starve the others of updates.
          }
        }
    });
  }
}
