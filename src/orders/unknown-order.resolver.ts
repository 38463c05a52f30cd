import { Logger } from '@nestjs/common';
import type { Clock } from '@/common/clock';
import type { EventBus } from '@/common/event-bus';
import type { BrokerGateway } from '@/broker/broker-gateway';
import type { BrokerOrder } from '@/broker/broker.types';
import type { OrderEntity } from './entities/order.entity';
import type { OrderUpdateApplier } from './order-update.applier';
import type { OrderStore } from './order.store';
import type { OrdersAlertSink, OrdersRiskPort } from './orders.ports';
import { toOrderView } from './order-view';

export interface UnknownOrderResolverOptions {
  store: OrderStore;
  broker: Pick<BrokerGateway, 'findOrderByTag' | 'orderBook'>;
  applier: OrderUpdateApplier;
  clock: Clock;
  risk: Pick<OrdersRiskPort, 'halt'>;
  alerts?: OrdersAlertSink;
  bus?: Pick<EventBus, 'emit'>;
  /** ORDER_UNKNOWN_RESOLVE_SECONDS in ms. */
  resolveWindowMs: number;
  /** A SUBMITTING order older than this has lost its worker (crash): longer than any broker call. */
  submitGraceMs: number;
}

export type ResolveOutcome = 'resolved' | 'not-at-broker' | 'pending' | 'lookup-failed';

/**
 * Settles orders whose placement outcome is unknown, only by looking their ordertag up at the broker,
 * never by sending again. Not found within the window: the order never reached the broker (REJECTED,
 * alert). Lookups failing past the window: trading halts and a critical alert is raised.
 */
export class UnknownOrderResolver {
  private readonly logger = new Logger(UnknownOrderResolver.name);
  private readonly halted = new Set<string>();

  constructor(private readonly o: UnknownOrderResolverOptions) {}

  /** One pass: recover orphaned SUBMITTING orders, then try every UNKNOWN one. */
  async sweep(): Promise<Record<ResolveOutcome, number>> {
    const now = this.o.clock.now();
    const counts: Record<ResolveOutcome, number> = {
      resolved: 0,
      'not-at-broker': 0,
      pending: 0,
      'lookup-failed': 0,
    };
    for (const o of await this.o.store.findByStatus(['SUBMITTING'])) {
      if (this.age(o, now) < this.o.submitGraceMs) continue;
      const r = await this.o.store.apply(
        o.id,
        { type: 'AMBIGUOUS', reason: 'worker lost mid-placement' },
        'RECONCILIATION',
        now,
        {
          type: 'RECOVER',
          patch: { reasonCode: 'AMBIGUOUS_SUBMIT', reasonMessage: 'worker lost mid-placement' },
        },
      );
      if (r.written) this.o.bus?.emit('orders.updated', toOrderView(r.order));
    }
    // One order-book read per sweep (the broker allows about one a second), shared by every unknown order.
    let book: Promise<Map<string, BrokerOrder>> | null = null;
    const lookup = (tag: string) => {
      book ??= this.o.broker
        .orderBook()
        .then((rows) => new Map(rows.filter((r) => r.tag).map((r) => [r.tag!, r])));
      return book.then((m) => m.get(tag) ?? null);
    };
    for (const o of await this.o.store.findByStatus(['UNKNOWN'])) counts[await this.resolve(o, lookup)]++;
    return counts;
  }

  async resolveById(orderId: string): Promise<ResolveOutcome | null> {
    const o = await this.o.store.findById(orderId);
    return o && o.status === 'UNKNOWN' ? this.resolve(o, (tag) => this.o.broker.findOrderByTag(tag)) : null;
  }

  private async resolve(
    o: OrderEntity,
    lookup: (tag: string) => Promise<BrokerOrder | null>,
  ): Promise<ResolveOutcome> {
    const now = this.o.clock.now();
    const overdue = this.age(o, now) >= this.o.resolveWindowMs;
    let found;
    try {
      found = await lookup(o.ordertag);
    } catch (err) {
      if (overdue && !this.halted.has(o.id)) {
        this.halted.add(o.id);
        const message = `order ${o.id} (tag ${o.ordertag}) unresolved for ${Math.round(this.age(o, now) / 1000)} s: ${(err as Error).message}`;
        this.logger.error(message);
        await this.o.risk.halt(`UNKNOWN_ORDER_UNRESOLVED: ${o.ordertag}`);
        this.o.alerts?.raise({
          key: 'orders.unknown',
          severity: 'critical',
          title: 'Order outcome unknown: trading halted',
          message,
        });
      }
      return 'lookup-failed';
    }
    if (found) {
      await this.o.applier.apply(found, 'RECONCILIATION');
      this.halted.delete(o.id);
      return 'resolved';
    }
    if (!overdue) return 'pending';
    const r = await this.o.store.apply(o.id, { type: 'NOT_AT_BROKER' }, 'RECONCILIATION', now, {
      patch: {
        reasonCode: 'NOT_AT_BROKER',
        reasonMessage: 'placement outcome was unknown and the broker has no order with this tag',
      },
      details: { ordertag: o.ordertag },
    });
    if (r.written) this.o.bus?.emit('orders.updated', toOrderView(r.order));
    this.o.alerts?.raise({
      key: 'orders.unknown',
      severity: 'warning',
      title: 'Unknown order settled as never placed',
      message: `order ${o.id} (tag ${o.ordertag}) was not found at the broker after ${Math.round(this.o.resolveWindowMs / 1000)} s`,
    });
    this.halted.delete(o.id);
    return 'not-at-broker';
  }

  private age(o: OrderEntity, now: number): number {
    return now - (o.submittedAt ?? o.updatedAt).getTime();
  }
}
