import { Injectable } from '@nestjs/common';
import { OrderSink, type OrderIntent } from '@/domain/execution';
import type { ProductType } from '@/domain/market';
import { OrderCanceller } from '@/risk/order-canceller.port';
import { OrdersRuntime } from './orders.runtime';

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

  async cancelAll(reason: string): Promise<{ requested: number }> {
    const { store, actions } = this.runtime.core;
    const open = await store.findByStatus(['NEW', 'QUEUED', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED']);
    await actions.cancelMany(open, 'RISK', reason);
    return { requested: open.length };
  }

  async flattenAll(reason: string, opts: { product?: ProductType } = {}): Promise<{ requested: number }> {
    const positions = await this.runtime.netPositions();
    let requested = 0;
    for (const p of positions) {
      if (p.quantity === 0 || (opts.product && p.product !== opts.product)) continue;
      const now = Date.now();
      await this.runtime.core.placement.place(
        {
          clientOrderId: `flat-${p.symbol}-${p.product}-${now}`.slice(0, 64),
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
