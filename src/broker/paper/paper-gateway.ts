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
    if (!req.tag || req.tag.length >= 20)
      return Promise.reject(
        new BrokerError('rejected', 'placeOrder', 'ordertag must be 1-19 characters', 'AB4008'),
      );
    const key = instrumentKey(req.instrument);
    const spec = this.specOf(req.instrument.symbol);
    try {
      validateShape('placeOrder', req, spec, this.ltp.get(key));
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const id = `PAPER${String(this.nextId++).padStart(10, '0')}`;
    const p: PaperOrder = {
      order: newOrder(id, randomUUID(), req, this.clock.now()),
      key,
      spec,
      triggered: false,
      evaluatedSeq: null,
      filledValuePaise: 0,
      fillCount: 0,
      blockPerUnitPaise: 0,
      exposureQuantity: 0,
    };
    this.orders.set(id, p);
    this.emit(p);
    this.accept(p);
    return Promise.resolve({ brokerOrderId: id, uniqueOrderId: p.order.uniqueOrderId });
  }

  modifyOrder(req: ModifyOrderRequest): Promise<OrderAck> {
    const p = this.orders.get(req.brokerOrderId);
    if (!p || !isWorking(p.order))
      return Promise.reject(new BrokerError('rejected', 'modifyOrder', 'no open order with this id'));
    try {
      validateShape(
        'modifyOrder',
        { ...req, side: p.order.side },
        p.spec,
        p.triggered ? undefined : this.ltp.get(p.key),
      );
      applyModify(p, req, this.clock.now());
    } catch (e) {
      return Promise.reject(e as Error);
    }
    this.reserve(p);
    setStatus(p.order, isStop(p.order.type) && !p.triggered ? 'TRIGGER_PENDING' : 'OPEN', this.clock.now());
    this.emit(p, 'AB04');
    this.work(p, this.freshSnapshot(p.key));
    return Promise.resolve({ brokerOrderId: p.order.brokerOrderId, uniqueOrderId: p.order.uniqueOrderId });
  }

  cancelOrder(brokerOrderId: string): Promise<OrderAck> {
    const p = this.orders.get(brokerOrderId);
    if (!p || !isWorking(p.order))
      return Promise.reject(new BrokerError('rejected', 'cancelOrder', 'no open order with this id'));
    this.finish(p, 'CANCELLED', 'cancelled by user');
    return Promise.resolve({ brokerOrderId, uniqueOrderId: p.order.uniqueOrderId });
  }

  orderBook(): Promise<BrokerOrder[]> {
    return Promise.resolve([...this.orders.values()].map((p) => ({ ...p.order })));
  }

  findOrderByTag(tag: string): Promise<BrokerOrder | null> {
    const p = [...this.orders.values()].find((x) => x.order.tag === tag);
    return Promise.resolve(p ? { ...p.order } : null);
  }

  tradeBook(): Promise<BrokerTrade[]> {
    return Promise.resolve(this.ledger.tradeBook());
  }

  positions(): Promise<BrokerPosition[]> {
    return Promise.resolve(this.ledger.positions());
  }

  /** Paper trades settle nowhere: the demat account holds nothing. */
  holdings(): Promise<BrokerHolding[]> {
    return Promise.resolve([]);
  }

  funds(): Promise<Funds> {
    return Promise.resolve(this.currentFunds());
  }

  // --- matching --------------------------------------------------------------------------------
  private onMarketTick(tick: Tick): void {
    const key = instrumentKey(tick);
    if (tick.ltpPaise > 0) this.ltp.set(key, tick.ltpPaise);
    let snap: Snapshot | undefined;
    if (tick.bids?.length || tick.asks?.length) {
      snap = { tick, seq: ++this.seq, consumed: { BUY: new Map(), SELL: new Map() } };
      this.snapshots.set(key, snap);
    }
    // Time priority: orders are matched in the order they were placed.
    for (const p of this.orders.values()) {
      if (p.key !== key || !isWorking(p.order)) continue;
      try {
        this.work(p, snap, tick.ltpPaise);
      } catch (e) {
        // The tick path must keep running; a paper order that cannot be matched is rejected, not lost.
        this.finish(p, 'REJECTED', `paper matching failed: ${(e as Error).message}`);
      }
    }
  }

  /** Accepts a placed order: funds check, then OPEN or TRIGGER_PENDING, then a first match. */
  private accept(p: PaperOrder): void {
    this.reserve(p);
    const need = p.exposureQuantity * p.blockPerUnitPaise;
    const available = this.currentFunds(p).availableMarginPaise;
    if (need > available) {
      this.finish(p, 'REJECTED', `insufficient paper funds: needs ${need} paise, ${available} available`);
      return;
    }
    setStatus(p.order, isStop(p.order.type) ? 'TRIGGER_PENDING' : 'OPEN', this.clock.now());
    this.emit(p);
    this.depth.hold(p.order);
    this.work(p, this.freshSnapshot(p.key));
  }

  private work(p: PaperOrder, snap: Snapshot | undefined, ltpPaise = this.ltp.get(p.key)): void {
    const o = p.order;
    if (isStop(o.type) && !p.triggered) {
      if (ltpPaise === undefined || !stopTriggered(o.side, ltpPaise, o.triggerPricePaise)) return;
      p.triggered = true;
      p.evaluatedSeq = null;
      setStatus(o, 'OPEN', this.clock.now());
      this.emit(p);
    }
    if (!snap) return;
    const resting = p.evaluatedSeq !== null && p.evaluatedSeq < snap.seq;
    const fills = hasDepth(snap.tick, o.side)
      ? matchAgainstDepth(
          snap.tick,
          {
            side: o.side,
            quantity: o.pendingQuantity,
            limitPaise: workingLimit(p),
            resting,
            lotSize: p.spec.lotSize,
            tickSizePaise: p.spec.tickSizePaise,
          },
          snap.consumed[o.side],
          this.fill,
        )
      : [];
    p.evaluatedSeq = snap.seq;
    const now = this.clock.now();
    for (const f of fills) {
      o.filledQuantity += f.quantity;
      o.pendingQuantity -= f.quantity;
      p.filledValuePaise += f.quantity * f.pricePaise;
      o.averagePricePaise = Math.round(p.filledValuePaise / o.filledQuantity);
      o.updatedAt = now;
      this.ledger.apply({
        brokerOrderId: o.brokerOrderId,
        fillId: `${o.brokerOrderId}-${++p.fillCount}`,
        symbol: o.symbol,
        exchange: o.exchange,
        token: o.token,
        side: o.side,
        product: o.product,
        quantity: f.quantity,
        pricePaise: f.pricePaise,
        time: now,
      });
      if (o.pendingQuantity === 0) this.finish(p, 'COMPLETE');
      else this.emit(p);
    }
    if (isWorking(o) && o.validity === 'IOC')
      this.finish(p, 'CANCELLED', 'IOC remainder cancelled: no more depth at the price');
  }

  private finish(p: PaperOrder, status: 'COMPLETE' | 'CANCELLED' | 'REJECTED', message = ''): void {
    const o = p.order;
    if (status !== 'COMPLETE') {
      o.cancelledQuantity = status === 'CANCELLED' ? o.pendingQuantity : 0;
      o.pendingQuantity = 0;
    }
    setStatus(o, status, this.clock.now(), message);
    this.emit(p);
    if (![...this.orders.values()].some((x) => x.key === p.key && isWorking(x.order)))
      this.depth.release(p.key);
  }

  /** Margin a working order holds: its quantity beyond what closes the current position, at its reference price. */
  private reserve(p: PaperOrder): void {
    const o = p.order;
    const net = this.ledger.netQuantity(o.symbol, o.product);
    const closing = (o.side === 'BUY' ? net < 0 : net > 0) ? Math.abs(net) : 0;
    p.exposureQuantity = Math.max(0, o.pendingQuantity - closing);
    const snap = this.snapshots.get(p.key);
    p.blockPerUnitPaise =
      workingLimit(p) ??
      (snap && touchPrice(snap.tick, o.side)) ??
      (o.triggerPricePaise || this.ltp.get(p.key) || 0);
  }

  private currentFunds(exclude?: PaperOrder): Funds {
    let blocked = 0;
    for (const p of this.orders.values())
      if (p !== exclude && isWorking(p.order))
        blocked += Math.min(p.order.pendingQuantity, p.exposureQuantity) * p.blockPerUnitPaise;
    return this.ledger.funds((exchange, token) => this.ltp.get(instrumentKey({ exchange, token })), blocked);
  }

  private freshSnapshot(key: string): Snapshot | undefined {
    const s = this.snapshots.get(key);
    if (!s) return undefined;
    return this.clock.now() - s.tick.receivedAt <= (this.o.maxQuoteAgeMs ?? 10_000) ? s : undefined;
  }

  private specOf(symbol: string): InstrumentSpec {
    return this.o.instrumentSpec?.(symbol) ?? { lotSize: 1, tickSizePaise: 1 };
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
