import { randomUUID } from 'node:crypto';
import type { Clock } from '@/common/clock';
import { formatYymmdd } from '../ist';
import type { InstrumentStore } from '../market/instruments';
import type { InstrumentState, Market } from '../market/market';
import { Account, type InitialHolding } from './accounts';
import {
  computeFunds,
  holdingsShortfall,
  insufficientFundsText,
  isWorking,
  requiredMarginPaise,
  type Funds,
} from './margin';
import type {
  EngineResult,
  ModifyRequest,
  OrderEvent,
  OrderEventKind,
  PlaceRequest,
  SimOrder,
  SimTrade,
} from './types';
import { isStop, rejectionReason } from './validation';

export interface EngineOptions {
  instruments: InstrumentStore;
  market: Market;
  clock: Clock;
  startingCashPaise: number;
  initialHoldings: InitialHolding[];
}

/**
 * The exchange and the broker's RMS in one: validates, blocks margin, matches against the simulated
 * depth, rests the remainder, and re-matches resting and stop orders on every market step.
 */
export class MatchingEngine {
  private readonly orders = new Map<string, SimOrder>();
  private readonly trades: SimTrade[] = [];
  private readonly accounts = new Map<string, Account>();
  private readonly listeners = new Set<(e: OrderEvent) => void>();
  private orderSeq = 0;
  private fillSeq = 0;

  constructor(private readonly opts: EngineOptions) {
    opts.market.onTicks((states) => this.onMarket(states));
  }

  onOrderEvent(listener: (e: OrderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  account(clientCode: string): Account {
    let a = this.accounts.get(clientCode);
    if (!a) {
      const holdings = this.opts.initialHoldings.flatMap((h) => {
        const instrument = this.opts.instruments.get(h.token);
        return instrument
          ? [{ instrument, quantity: h.quantity, averagePricePaise: h.averagePricePaise }]
          : [];
      });
      a = new Account(this.opts.startingCashPaise, holdings);
      this.accounts.set(clientCode, a);
    }
    return a;
  }

  /** Always creates an order (possibly `rejected`): SmartAPI acknowledges first and rejects later. */
  place(clientCode: string, req: PlaceRequest, forcedRejection?: string): SimOrder {
    const now = this.opts.clock.now();
    const instrument = this.opts.instruments.get(req.symboltoken, req.exchange);
    const order: SimOrder = {
      ...req,
      clientCode,
      orderid: `${formatYymmdd(now)}${String(++this.orderSeq).padStart(9, '0')}`,
      uniqueorderid: randomUUID(),
      instrument,
      status: 'open',
      triggered: false,
      text: '',
      filled: 0,
      fillValuePaise: 0,
      cancelled: 0,
      blockedPaise: 0,
      createdAt: now,
      updatedAt: now,
      exchangeTime: null,
      lastFillId: '',
      lastFillTime: null,
    };
    this.orders.set(order.orderid, order);
    const st = instrument ? this.opts.market.state(instrument.token) : undefined;
    const reason =
      forcedRejection ??
      rejectionReason(order, st) ??
      this.marketClosedReason(order) ??
      this.fundsReason(order, st!);
    if (reason) {
      order.status = 'rejected';
      order.text = reason;
      this.emit('rejected', order);
      return order;
    }
    order.exchangeTime = now;
    order.status = isStop(order.ordertype) ? 'trigger pending' : 'open';
    this.emit('placed', order);
    if (order.status === 'open' && this.opts.market.isOpen()) this.match(order, st!, true);
    return order;
  }

  modify(clientCode: string, req: ModifyRequest): EngineResult<SimOrder> {
    const order = this.find(clientCode, req.orderid);
    if (!order) return { ok: false, errorcode: 'AB1013', message: 'Order not found' };
    if (!isWorking(order))
      return {
        ok: false,
        errorcode: 'AB2000',
        message: `Order cannot be modified in status ${order.status}`,
      };
    const terms = {
      ...order,
      ordertype: req.ordertype,
      pricePaise: req.pricePaise,
      triggerPaise: req.triggerPaise ?? order.triggerPaise,
      quantity: req.quantity,
    };
    const st = this.opts.market.state(order.symboltoken)!;
    // A triggered stop no longer needs its trigger above/below the market.
    const reason =
      req.quantity <= order.filled
        ? 'Quantity should be more than the filled quantity'
        : rejectionReason(
            order.triggered
              ? { ...terms, ordertype: terms.ordertype === 'STOPLOSS_MARKET' ? 'MARKET' : 'LIMIT' }
              : terms,
            st,
          );
    if (reason) return { ok: false, errorcode: 'AB2000', message: reason };
    const previousBlock = order.blockedPaise;
    order.blockedPaise = 0;
    const required = requiredMarginPaise(
      this.account(clientCode),
      { ...order, ...terms },
      st.ltp,
      terms.quantity - order.filled,
    );
    if (required > this.funds(clientCode).availablePaise) {
      order.blockedPaise = previousBlock;
      return {
        ok: false,
        errorcode: 'AB2000',
        message: insufficientFundsText(this.funds(clientCode).availablePaise, required),
      };
    }
    Object.assign(order, terms, {
      producttype: req.producttype ?? order.producttype,
      duration: req.duration ?? order.duration,
      blockedPaise: required,
      updatedAt: this.opts.clock.now(),
    });
    if (!order.triggered) order.status = isStop(order.ordertype) ? 'trigger pending' : 'open';
    this.emit('modified', order);
    if (order.status === 'open' && this.opts.market.isOpen()) this.match(order, st, true);
    return { ok: true, value: order };
  }

  cancel(clientCode: string, orderid: string): EngineResult<SimOrder> {
    const order = this.find(clientCode, orderid);
    if (!order) return { ok: false, errorcode: 'AB1013', message: 'Order not found' };
    if (!isWorking(order))
      return {
        ok: false,
        errorcode: 'AB2000',
        message: `Order cannot be cancelled in status ${order.status}`,
      };
    this.cancelRemainder(order, '');
    return { ok: true, value: order };
  }

  /** By numeric orderid or by uniqueorderid. */
  find(clientCode: string, id: string): SimOrder | undefined {
    const o = this.orders.get(id) ?? [...this.orders.values()].find((x) => x.uniqueorderid === id);
    return o && o.clientCode === clientCode ? o : undefined;
  }

  ordersOf(clientCode: string): SimOrder[] {
    return [...this.orders.values()].filter((o) => o.clientCode === clientCode);
  }

  allOrders(): SimOrder[] {
    return [...this.orders.values()];
  }

  tradesOf(clientCode: string): SimTrade[] {
    return this.trades.filter((t) => t.clientCode === clientCode);
  }

  funds(clientCode: string): Funds {
    return computeFunds(
      this.account(clientCode),
      this.ordersOf(clientCode),
      (t) => this.opts.market.state(t)?.ltp ?? 0,
    );
  }

  private marketClosedReason(o: SimOrder): string | null {
    return o.variety === 'AMO' || this.opts.market.isOpen()
      ? null
      : 'Market is closed; place an AMO order instead';
  }

  /** Blocks the order's margin, or says why it cannot be placed. */
  private fundsReason(o: SimOrder, st: InstrumentState): string | null {
    const a = this.account(o.clientCode);
    if (o.producttype === 'DELIVERY' && o.transactiontype === 'SELL')
      return holdingsShortfall(a, o, this.ordersOf(o.clientCode));
    const required = requiredMarginPaise(a, o, st.ltp, o.quantity);
    const available = this.funds(o.clientCode).availablePaise;
    if (required > available) return insufficientFundsText(available, required);
    o.blockedPaise = required;
    return null;
  }

  private onMarket(states: InstrumentState[]): void {
    const byToken = new Map(states.map((s) => [s.instrument.token, s]));
    for (const o of this.orders.values()) {
      if (!isWorking(o)) continue;
      const st = byToken.get(o.symboltoken);
      if (!st) continue;
      if (o.status === 'trigger pending') {
        const hit = o.transactiontype === 'BUY' ? st.ltp >= o.triggerPaise : st.ltp <= o.triggerPaise;
        if (!hit) continue;
        o.triggered = true;
        o.status = 'open';
        o.updatedAt = this.opts.clock.now();
        this.emit('triggered', o);
      }
      this.match(o, st, false);
    }
  }

  /**
   * Fills against the opposite depth while the price allows; a resting limit the walk has traded
   * through fills at its own price. IOC remainders are cancelled; DAY remainders rest.
   */
  private match(o: SimOrder, st: InstrumentState, aggressive: boolean): void {
    const buy = o.transactiontype === 'BUY';
    const marketable = o.ordertype === 'MARKET' || o.ordertype === 'STOPLOSS_MARKET';
    const levels = buy ? st.asks : st.bids;
    while (o.filled < o.quantity && levels.length > 0) {
      const lvl = levels[0];
      if (!marketable && (buy ? lvl.pricePaise > o.pricePaise : lvl.pricePaise < o.pricePaise)) break;
      const take = Math.min(lvl.quantity, o.quantity - o.filled);
      lvl.quantity -= take;
      if (lvl.quantity === 0) levels.shift();
      this.fill(o, lvl.pricePaise, take);
    }
    if (o.filled < o.quantity && !aggressive && !marketable) {
      const crossed = buy ? st.ltp <= o.pricePaise : st.ltp >= o.pricePaise;
      if (crossed) this.fill(o, o.pricePaise, o.quantity - o.filled);
    }
    if (o.filled < o.quantity && o.duration === 'IOC')
      this.cancelRemainder(o, 'IOC order: unfilled quantity cancelled');
  }

  private fill(o: SimOrder, pricePaise: number, qty: number): void {
    const now = this.opts.clock.now();
    const remainingBefore = o.quantity - o.filled;
    o.blockedPaise -= Math.round((o.blockedPaise * qty) / remainingBefore);
    o.filled += qty;
    o.fillValuePaise += pricePaise * qty;
    o.lastFillId = String(++this.fillSeq).padStart(8, '0');
    o.lastFillTime = now;
    o.updatedAt = now;
    this.account(o.clientCode).applyFill(o.instrument!, o.producttype, o.transactiontype, qty, pricePaise);
    this.opts.market.recordFill(o.symboltoken, pricePaise, qty);
    this.trades.push({
      clientCode: o.clientCode,
      orderid: o.orderid,
      fillid: o.lastFillId,
      filltime: now,
      pricePaise,
      quantity: qty,
      side: o.transactiontype,
      producttype: o.producttype,
      instrument: o.instrument!,
    });
    if (o.filled === o.quantity) {
      o.status = 'complete';
      o.blockedPaise = 0;
      this.emit('complete', o);
    } else {
      this.emit('fill', o);
    }
  }

  private cancelRemainder(o: SimOrder, text: string): void {
    o.cancelled = o.quantity - o.filled;
    o.blockedPaise = 0;
    o.status = 'cancelled';
    o.text = text;
    o.updatedAt = this.opts.clock.now();
    this.emit('cancelled', o);
  }

  private emit(kind: OrderEventKind, order: SimOrder): void {
    for (const l of this.listeners) l({ kind, order });
  }
}
