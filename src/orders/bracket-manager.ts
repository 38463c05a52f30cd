import { Logger } from '@nestjs/common';
import type { Clock } from '@/common/clock';
import type { Paise } from '@/common/money';
import type { OrderIntent } from '@/domain/execution';
import type { OrderEntity } from './entities/order.entity';
import type { OrderActions } from './order-actions';
import type { OrderPlacementService } from './order-placement.service';
import type { OrderStore } from './order.store';
import { isTerminal, LIVE_STATUSES } from './order-state';
import type { InstrumentLookup, OrdersAlertSink } from './orders.ports';

export interface BracketManagerOptions {
  store: OrderStore;
  placement: OrderPlacementService;
  actions: OrderActions;
  instruments: InstrumentLookup;
  clock: Clock;
  alerts?: OrdersAlertSink;
  /** A stop is moved at most once per this interval (the broker's modify limit is shared with placements). */
  trailMinIntervalMs: number;
}

/**
 * Bracket orders managed by the platform: when an entry with a stop-loss or take-profit has filled, a
 * protective SL-M stop and a LIMIT target are placed for the filled quantity as a one-cancels-other pair;
 * when either fills the other is cancelled. If the stop cannot be placed the position is closed at market
 * and an alert raised. Trailing stops follow the price up (long) or down (short), one tick or more at a
 * time, never more often than `trailMinIntervalMs`. Child client ids are derived from the entry's, so
 * every step is idempotent and safe to repeat after a crash.
 */
export class BracketManager {
  private readonly logger = new Logger(BracketManager.name);
  private readonly lastTrail = new Map<string, number>();
  private readonly extreme = new Map<string, Paise>();

  constructor(private readonly o: BracketManagerOptions) {}

  /** Call with every order that changed (the update applier's output). */
  async onOrder(order: OrderEntity): Promise<void> {
    if (order.leg === 'ENTRY' && isTerminal(order.status) && order.filledQuantity > 0)
      await this.protect(order);
    if ((order.leg === 'STOP' || order.leg === 'TARGET') && order.parentOrderId) await this.onChild(order);
  }

  private async protect(entry: OrderEntity): Promise<void> {
    const exitSide = entry.side === 'BUY' ? 'SELL' : 'BUY';
    const base: Omit<OrderIntent, 'clientOrderId' | 'type'> = {
      symbol: entry.symbol,
      side: exitSide,
      quantity: entry.filledQuantity,
      product: entry.product,
      validity: 'DAY',
      userId: entry.userId,
      strategyId: entry.strategyId ?? undefined,
      reason: `bracket of ${entry.id}`,
      createdAt: this.o.clock.now(),
    };
    if (entry.stopLossPaise) {
      const stop = await this.child(entry, 'STOP', {
        ...base,
        clientOrderId: `${entry.clientOrderId}:SL`,
        type: 'SL-M',
        triggerPricePaise: entry.stopLossPaise,
        trailingStopPaise: entry.trailingStopPaise ?? undefined,
      });
      if (!stop || stop.status === 'RISK_REJECTED' || stop.status === 'REJECTED')
        await this.bailOut(entry, base, stop?.reasonMessage ?? 'stop not placed');
    }
    if (entry.takeProfitPaise)
      await this.child(entry, 'TARGET', {
        ...base,
        clientOrderId: `${entry.clientOrderId}:TP`,
        type: 'LIMIT',
        pricePaise: entry.takeProfitPaise,
      });
  }

  private async child(
    entry: OrderEntity,
    leg: 'STOP' | 'TARGET' | 'EXIT',
    intent: OrderIntent,
  ): Promise<OrderEntity | null> {
    try {
      const { order } = await this.o.placement.place(intent, {
        origin: 'SYSTEM',
        riskChecked: true,
        leg,
        parentOrderId: entry.id,
      });
      return this.o.store.findById(order.id);
    } catch (err) {
      this.logger.error(`bracket ${leg} for ${entry.id} not placed: ${(err as Error).message}`);
      return null;
    }
  }

  /** The position is unprotected: close it at market rather than leave it open. */
  private async bailOut(
    entry: OrderEntity,
    base: Omit<OrderIntent, 'clientOrderId' | 'type'>,
    why: string,
  ): Promise<void> {
    this.o.alerts?.raise({
      key: 'orders.bracket',
      severity: 'critical',
      title: 'Protective stop not placed: exiting at market',
      message: `entry ${entry.id} ${entry.symbol}: ${why}`,
    });
    await this.child(entry, 'EXIT', {
      ...base,
      clientOrderId: `${entry.clientOrderId}:EXIT`,
      type: 'MARKET',
    });
  }

  private async onChild(child: OrderEntity): Promise<void> {
    if (child.status !== 'FILLED' && !(isTerminal(child.status) && child.filledQuantity > 0)) return;
    const siblings = (await this.o.store.findByParent(child.parentOrderId!)).filter(
      (s) => s.id !== child.id && (s.leg === 'STOP' || s.leg === 'TARGET'),
    );
    for (const s of siblings) {
      if (isTerminal(s.status) || s.status === 'CANCEL_PENDING') continue;
      await this.o.actions
        .cancel(s, 'SYSTEM', `one-cancels-other: ${child.leg} ${child.id} filled`)
        .catch((e: Error) => this.logger.warn(`OCO cancel of ${s.id}: ${e.message}`));
    }
  }

  /** Moves trailing stops on `symbol` towards the price; returns how many were modified. */
  async onPrice(symbol: string, ltpPaise: Paise, stops: OrderEntity[]): Promise<number> {
    let moved = 0;
    const now = this.o.clock.now();
    for (const s of stops) {
      if (
        s.symbol !== symbol ||
        s.leg !== 'STOP' ||
        !s.trailingStopPaise ||
        !s.triggerPricePaise ||
        !LIVE_STATUSES.has(s.status) ||
        s.status === 'CANCEL_PENDING'
      )
        continue;
      const long = s.side === 'SELL'; // a SELL stop protects a long position
      const prev = this.extreme.get(s.id);
      const ext = prev === undefined ? ltpPaise : long ? Math.max(prev, ltpPaise) : Math.min(prev, ltpPaise);
      this.extreme.set(s.id, ext);
      const inst = await this.o.instruments.get(s.symbol);
      const tick = Math.max(1, inst?.tickSizePaise ?? 5);
      const target = long
        ? Math.floor((ext - s.trailingStopPaise) / tick) * tick
        : Math.ceil((ext + s.trailingStopPaise) / tick) * tick;
      const better = long ? target > s.triggerPricePaise : target < s.triggerPricePaise;
      if (!better || now - (this.lastTrail.get(s.id) ?? -Infinity) < this.o.trailMinIntervalMs) continue;
      this.lastTrail.set(s.id, now);
      try {
        await this.o.actions.modify(s, { triggerPricePaise: target }, 'SYSTEM');
        moved++;
      } catch (err) {
        this.logger.warn(`trailing stop ${s.id} not moved: ${(err as Error).message}`);
      }
    }
    return moved;
  }
}
