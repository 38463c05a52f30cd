/**
 * The paper account's order book and matching: every working order is matched against each new depth
 * snapshot of its instrument in placement order (time priority), stops trigger on the last traded
 * price, and every change is handed to `emit` in the order it happened. Synchronous: a method returns
 * with the book already changed; refusals throw `BrokerError('rejected')` before anything is stored.
 */
import { randomUUID } from 'node:crypto';
import { BrokerError } from '@/broker/broker.errors';
import type { BrokerOrder, Funds, ModifyOrderRequest, PlaceOrderRequest } from '@/broker/broker.types';
import type { Clock } from '@/common/clock';
import type { Paise } from '@/common/money';
import type { Instrument, Tick } from '@/domain/market';
import { instrumentKey } from './depth-subscriptions';
import { PaperLedger, type LedgerState } from './paper-ledger';
import {
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

export interface PaperBookOptions {
  clock: Clock;
  capitalPaise: Paise;
  fill: PaperFillOptions;
  maxQuoteAgeMs: number;
  specOf: (instrument: PlaceOrderRequest['instrument']) => InstrumentSpec;
  /** Called for every state change of an order, with the event code when one applies. */
  emit: (order: BrokerOrder, eventCode?: string) => void;
  /** The instrument needs depth (an order started working on it) or no longer does. */
  hold: (instrument: Pick<Instrument, 'symbol' | 'exchange' | 'token'>) => void;
  release: (key: string) => void;
}

/** Everything needed to bring the book back after a restart (quotes are not kept: they go stale). */
export interface PaperBookState {
  version: 1;
  nextId: number;
  orders: PaperOrder[];
  ledger: LedgerState;
}

interface Snapshot {
  tick: Tick;
  seq: number;
  consumed: { BUY: Map<Paise, number>; SELL: Map<Paise, number> };
}

export class PaperBook {
  readonly ledger: PaperLedger;
  private readonly orders = new Map<string, PaperOrder>();
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly ltp = new Map<string, Paise>();
  private seq = 0;
  private nextId = 1;

  constructor(private readonly o: PaperBookOptions) {
    this.ledger = new PaperLedger(o.capitalPaise);
  }

  place(req: PlaceOrderRequest): BrokerOrder {
    if (!req.tag || req.tag.length >= 20)
      throw new BrokerError('rejected', 'placeOrder', 'ordertag must be 1-19 characters', 'AB4008');
    const key = instrumentKey(req.instrument);
    const spec = this.o.specOf(req.instrument);
    validateShape('placeOrder', req, spec, this.ltp.get(key));
    const id = `PAPER${String(this.nextId++).padStart(10, '0')}`;
    const p: PaperOrder = {
      order: newOrder(id, randomUUID(), req, this.now()),
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
    this.o.emit({ ...p.order });
    this.reserve(p);
    const need = p.exposureQuantity * p.blockPerUnitPaise;
    const available = this.funds(p).availableMarginPaise;
    if (need > available) {
      this.finish(p, 'REJECTED', `insufficient paper funds: needs ${need} paise, ${available} available`);
    } else {
      setStatus(p.order, isStop(p.order.type) ? 'TRIGGER_PENDING' : 'OPEN', this.now());
      this.o.emit({ ...p.order });
      this.o.hold(req.instrument);
      this.work(p, this.freshSnapshot(key));
    }
    return { ...p.order };
  }

  modify(req: ModifyOrderRequest): BrokerOrder {
    const p = this.working('modifyOrder', req.brokerOrderId);
    const ltp = p.triggered ? undefined : this.ltp.get(p.key);
    validateShape('modifyOrder', { ...req, side: p.order.side }, p.spec, ltp);
    applyModify(p, req, this.now());
    this.reserve(p);
    setStatus(p.order, isStop(p.order.type) && !p.triggered ? 'TRIGGER_PENDING' : 'OPEN', this.now());
    this.o.emit({ ...p.order }, 'AB04');
    this.work(p, this.freshSnapshot(p.key));
    return { ...p.order };
  }

  cancel(brokerOrderId: string): BrokerOrder {
    const p = this.working('cancelOrder', brokerOrderId);
    this.finish(p, 'CANCELLED', 'cancelled by user');
    return { ...p.order };
  }

  exportState(): PaperBookState {
    return {
      version: 1,
      nextId: this.nextId,
      orders: [...this.orders.values()].map((p) => ({ ...p, order: { ...p.order }, spec: { ...p.spec } })),
      ledger: this.ledger.exportState(),
    };
  }

  /** Replaces the book with a saved one; working orders wait for fresh depth (their instruments are held again). */
  importState(s: PaperBookState): void {
    if (s.version !== 1) throw new Error(`unknown paper book state version ${String(s.version)}`);
    this.orders.clear();
    for (const p of s.orders) {
      // A restored order meets the next snapshot as a new arrival: the queue position was not saved.
      this.orders.set(p.order.brokerOrderId, { ...p, order: { ...p.order }, evaluatedSeq: null });
      if (isWorking(p.order)) this.o.hold(p.order);
    }
    this.nextId = Math.max(this.nextId, s.nextId);
    this.ledger.importState(s.ledger);
  }

  list(): BrokerOrder[] {
    return [...this.orders.values()].map((p) => ({ ...p.order }));
  }

  /** Margin held by open positions and working orders; unrealised P&L at the last traded price. */
  funds(exclude?: PaperOrder): Funds {
    let blocked = 0;
    for (const p of this.orders.values())
      if (p !== exclude && isWorking(p.order))
        blocked += Math.min(p.order.pendingQuantity, p.exposureQuantity) * p.blockPerUnitPaise;
    return this.ledger.funds((exchange, token) => this.ltp.get(instrumentKey({ exchange, token })), blocked);
  }

  onTick(tick: Tick): void {
    const key = instrumentKey(tick);
    if (tick.ltpPaise > 0) this.ltp.set(key, tick.ltpPaise);
    let snap: Snapshot | undefined;
    if (tick.bids?.length || tick.asks?.length) {
      snap = { tick, seq: ++this.seq, consumed: { BUY: new Map(), SELL: new Map() } };
      this.snapshots.set(key, snap);
    }
    for (const p of this.orders.values()) {
      if (p.key !== key || !isWorking(p.order)) continue;
      try {
        this.work(p, snap);
      } catch (e) {
        // The tick path must keep running; an order that cannot be matched is rejected, not lost.
        this.finish(p, 'REJECTED', `paper matching failed: ${(e as Error).message}`);
      }
    }
  }

  private work(p: PaperOrder, snap: Snapshot | undefined): void {
    const o = p.order;
    if (isStop(o.type) && !p.triggered) {
      const ltp = this.ltp.get(p.key);
      if (ltp === undefined || !stopTriggered(o.side, ltp, o.triggerPricePaise)) return;
      p.triggered = true;
      p.evaluatedSeq = null;
      setStatus(o, 'OPEN', this.now());
      this.o.emit({ ...o });
    }
    if (!snap) return;
    const fills = hasDepth(snap.tick, o.side)
      ? matchAgainstDepth(
          snap.tick,
          {
            side: o.side,
            quantity: o.pendingQuantity,
            limitPaise: workingLimit(p),
            resting: p.evaluatedSeq !== null && p.evaluatedSeq < snap.seq,
            lotSize: p.spec.lotSize,
            tickSizePaise: p.spec.tickSizePaise,
          },
          snap.consumed[o.side],
          this.o.fill,
        )
      : [];
    p.evaluatedSeq = snap.seq;
    const now = this.now();
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
      else this.o.emit({ ...o });
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
    setStatus(o, status, this.now(), message);
    this.o.emit({ ...o });
    const stillNeeded = [...this.orders.values()].some((x) => x.key === p.key && isWorking(x.order));
    if (!stillNeeded) this.o.release(p.key);
  }

  /** The quantity beyond what closes the current position holds margin, at the order's reference price. */
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

  private working(route: string, id: string): PaperOrder {
    const p = this.orders.get(id);
    if (!p || !isWorking(p.order)) throw new BrokerError('rejected', route, `no open order ${id}`);
    return p;
  }

  private freshSnapshot(key: string): Snapshot | undefined {
    const s = this.snapshots.get(key);
    return s && this.now() - s.tick.receivedAt <= this.o.maxQuoteAgeMs ? s : undefined;
  }

  private now(): number {
    return this.o.clock.now();
  }
}
