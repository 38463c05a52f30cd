import { Logger } from '@nestjs/common';
import type { Clock } from '@/common/clock';
import type { EventBus } from '@/common/event-bus';
import type { BrokerOrder } from '@/broker/broker.types';
import type { OrderEntity } from './entities/order.entity';
import { brokerReportOf } from './broker-report';
import { LIVE_STATUSES, type EventSource } from './order-state';
import type { OrderStore } from './order.store';
import { SYSTEM_USER_ID } from './orders.ports';
import { toOrderView } from './order-view';

export type ApplyBrokerOutcome = 'applied' | 'unchanged' | 'adopted' | 'unmatched';

/**
 * Applies the broker's view of an order (order-update stream, order-book poll, reconciliation) to the
 * local order. Idempotent and order-insensitive: the state machine joins cumulative snapshots, and fills
 * are keyed by cumulative quantity, so repeats and reorderings change nothing.
 */
export class OrderUpdateApplier {
  private readonly logger = new Logger(OrderUpdateApplier.name);

  constructor(
    private readonly store: OrderStore,
    private readonly clock: Clock,
    private readonly bus?: Pick<EventBus, 'emit'>,
  ) {}

  async apply(
    bo: BrokerOrder,
    source: EventSource,
    opts: { adoptUnknown?: boolean } = {},
  ): Promise<{ outcome: ApplyBrokerOutcome; order: OrderEntity | null }> {
    let local = await this.store.findByBrokerRef(bo.brokerOrderId, bo.tag);
    let adopted = false;
    if (!local) {
      if (!opts.adoptUnknown) return { outcome: 'unmatched', order: null };
      local = await this.adopt(bo);
      adopted = true;
    }
    const report = brokerReportOf(bo);
    if (!report) return { outcome: 'unchanged', order: local };
    const now = this.clock.now();
    if (bo.quantity > 0 && bo.quantity !== local.quantity && LIVE_STATUSES.has(local.status)) {
      const m = await this.store.apply(local.id, { type: 'MODIFY', quantity: bo.quantity }, source, now, {
        type: 'BROKER_MODIFY',
      });
      if (m.written) local = m.order;
    }
    const rejected = report.status === 'REJECTED' || report.status === 'CANCELLED';
    const r = await this.store.apply(local.id, report, source, now, {
      type: 'BROKER_UPDATE',
      patch: {
        brokerOrderId: bo.brokerOrderId,
        ...(rejected && bo.message
          ? { reasonCode: `BROKER_${report.status}`, reasonMessage: bo.message.slice(0, 500) }
          : {}),
      },
      details: { brokerStatus: bo.rawStatus, filled: bo.filledQuantity },
    });
    if (r.written) this.bus?.emit('orders.updated', toOrderView(r.order));
    if (r.fill) this.bus?.emit('orders.fill', r.fill);
    return { outcome: adopted ? 'adopted' : r.written ? 'applied' : 'unchanged', order: r.order };
  }

  /** A broker order this platform did not place (another terminal, a lost record): tracked as EXTERNAL. */
  private async adopt(bo: BrokerOrder): Promise<OrderEntity> {
    this.logger.warn(
      `adopting external broker order ${bo.brokerOrderId} (${bo.symbol} ${bo.side} ${bo.quantity})`,
    );
    const { order } = await this.store.insert(
      {
        userId: SYSTEM_USER_ID,
        clientOrderId: `ext-${bo.brokerOrderId}`.slice(0, 64),
        ordertag: `X${bo.brokerOrderId}`.slice(0, 20),
        brokerOrderId: bo.brokerOrderId,
        symbol: bo.symbol,
        side: bo.side,
        quantity: Math.max(bo.quantity, bo.filledQuantity, 1),
        type: bo.type,
        product: bo.product,
        validity: bo.validity,
        pricePaise: bo.pricePaise || null,
        triggerPricePaise: bo.triggerPricePaise || null,
        status: 'SUBMITTING',
        origin: 'EXTERNAL',
        routing: { brokerTag: bo.tag },
      },
      [
        {
          source: 'RECONCILIATION',
          type: 'ADOPT',
          toStatus: 'SUBMITTING',
          details: { brokerOrderId: bo.brokerOrderId, tag: bo.tag },
        },
      ],
      null,
    );
    return order;
  }
}
