import { Injectable } from '@nestjs/common';
import { OrderSink, type OrderIntent } from '@/domain/execution';
import type { ProductType } from '@/domain/market';
import { OrderCanceller } from '@/risk/order-canceller.port';
import type { OrderEntity } from './entities/order.entity';
import { isTerminal } from './order-state';
import { OrdersRuntime } from './orders.runtime';

const FLATTEN_PREFIX = 'flat-';
/** How long a halt keeps waiting for in-flight placements to rest so it can cancel them. */
const IN_FLIGHT_WAIT_MS = 10_000;

const isFlattenOrder = (o: OrderEntity) =>
  o.origin === 'SYSTEM' && o.clientOrderId.startsWith(FLATTEN_PREFIX);

/**
 * The signal executor's sink in simulated, paper and live modes: persist + outbox + enqueue, exactly as
 * an API order (the executor has already run the risk checks). A refusal is reported, never thrown.
 */
@Injectable()
export class LiveOrderSink extends OrderSink {
  constructor(private readonly runtime: OrdersRuntime) {
    super();
  }

  async submit(intent: OrderIntent): Promise<{ accepted: boolean; orderId?: string; reason?: string }> {
    try {
      const { order } = await this.runtime.core.placement.place(intent, {
        origin: 'STRATEGY',
        riskChecked: true,
      });
      const accepted = order.status !== 'RISK_REJECTED';
      return { accepted, orderId: order.id, reason: accepted ? undefined : (order.reasonCode ?? undefined) };
    } catch (err) {
      return { accepted: false, reason: (err as { code?: string }).code ?? 'ORDERS_UNAVAILABLE' };
    }
  }
}

/** The kill switch's and square-off's hands: cancel everything, or close every position at market. */
@Injectable()
export class OrdersCanceller extends OrderCanceller {
  constructor(private readonly runtime: OrdersRuntime) {
    super();
  }

  /**
   * Cancels every open order except the kill switch's own exits (it flattens at the same time). Orders
   * whose placement is in flight cannot be cancelled yet: they are cancelled as soon as they rest.
   */
  async cancelAll(reason: string): Promise<{ requested: number }> {
    const { store, actions } = this.runtime.core;
    const rows = await store.findByStatus([
      'NEW',
      'QUEUED',
      'SUBMITTING',
      'UNKNOWN',
      'OPEN',
      'TRIGGER_PENDING',
      'PARTIALLY_FILLED',
    ]);
    const mine = rows.filter((o) => !isFlattenOrder(o));
    const inFlight = mine.filter((o) => o.status === 'SUBMITTING' || o.status === 'UNKNOWN');
    const open = mine.filter((o) => !inFlight.includes(o));
    await actions.cancelMany(open, 'RISK', reason);
    if (inFlight.length)
      void this.cancelWhenResting(
        inFlight.map((o) => o.id),
        reason,
      );
    return { requested: mine.length };
  }

  private async cancelWhenResting(
    ids: string[],
    reason: string,
    deadlineMs = IN_FLIGHT_WAIT_MS,
  ): Promise<void> {
    const { store, actions } = this.runtime.core;
    const until = Date.now() + deadlineMs;
    let left = ids;
    while (left.length && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      const next: string[] = [];
      for (const id of left) {
        const o = await store.findById(id).catch(() => null);
        if (!o || isTerminal(o.status) || o.status === 'CANCEL_PENDING') continue;
        if (o.status === 'SUBMITTING' || o.status === 'UNKNOWN') next.push(id);
        else await actions.cancel(o, 'RISK', reason).catch(() => undefined);
      }
      left = next;
    }
  }

  async flattenAll(reason: string, opts: { product?: ProductType } = {}): Promise<{ requested: number }> {
    const positions = await this.runtime.netPositions();
    let requested = 0;
    for (const p of positions) {
      if (p.quantity === 0 || (opts.product && p.product !== opts.product)) continue;
      const now = Date.now();
      await this.runtime.core.placement.place(
        {
          clientOrderId: `${FLATTEN_PREFIX}${p.symbol}-${p.product}-${now}`.slice(0, 64),
          symbol: p.symbol,
          side: p.quantity > 0 ? 'SELL' : 'BUY',
          quantity: Math.abs(p.quantity),
          type: 'MARKET',
          product: p.product,
          validity: 'DAY',
          userId: p.userId,
          reason,
          createdAt: now,
        },
        { origin: 'SYSTEM', riskChecked: true },
      );
      requested++;
    }
    return { requested };
  }
}
