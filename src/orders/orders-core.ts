import type { DataSource } from 'typeorm';
import type { Clock } from '@/common/clock';
import type { EventBus } from '@/common/event-bus';
import type { BrokerGateway } from '@/broker/broker-gateway';
import type { OrderIntent } from '@/domain/execution';
import { BracketManager } from './bracket-manager';
import { OrderActions } from './order-actions';
import { OrderStore } from './order.store';
import { OrderSubmitter, type OrderSubmitterOptions } from './order-submitter';
import { OrderUpdateApplier } from './order-update.applier';
import { OrderPlacementService, type RoutingSettings } from './order-placement.service';
import type { InstrumentLookup, OrdersAlertSink, OrdersRiskPort, PlacementQueue } from './orders.ports';
import { OutboxRelay } from './outbox-relay';
import { BROKER_SEND_WINDOW_MS, BROKER_WRITE_LIMIT_PER_SEC, SlidingWindowLimiter } from './rate-limiter';
import { UnknownOrderResolver } from './unknown-order.resolver';

export type OrdersBroker = Pick<
  BrokerGateway,
  'placeOrder' | 'findOrderByTag' | 'orderBook' | 'cancelOrder' | 'modifyOrder'
>;

export interface OrdersCoreOptions {
  ds: DataSource;
  broker: OrdersBroker;
  queue: PlacementQueue;
  instruments: InstrumentLookup;
  clock: Clock;
  risk: OrdersRiskPort;
  alerts?: OrdersAlertSink;
  bus?: Pick<EventBus, 'emit'>;
  routing?: RoutingSettings;
  /** Placements per second (`ORDER_RATE_LIMIT_PER_SEC`); cancels and modifies are not counted here. */
  rateLimitPerSec: number;
  /** Cancels per second (`CANCEL_RATE_LIMIT_PER_SEC`, default 20: the broker's cancelOrder limit, §7.1). */
  cancelRateLimitPerSec?: number;
  /** Modifies per second (default 20: the broker's modifyOrder limit, §7.1). */
  modifyRateLimitPerSec?: number;
  resolveWindowMs: number;
  submitGraceMs: number;
  defaultTtlMs: number;
  enqueueTimeoutMs: number;
  entriesBlocked?: () => string | null;
  allBlocked?: () => string | null;
  isExit?: (intent: OrderIntent) => boolean | Promise<boolean>;
  probe?: OrderSubmitterOptions['probe'];
  /** Trailing stops move at most this often each (default 2 s), within the broker's modify limit. */
  trailMinIntervalMs?: number;
}

/** The orders core wired from plain options: used by the Nest module, the worker process in tests, and the bench. */
export interface OrdersCore {
  store: OrderStore;
  placement: OrderPlacementService;
  submitter: OrderSubmitter;
  actions: OrderActions;
  applier: OrderUpdateApplier;
  resolver: UnknownOrderResolver;
  relay: OutboxRelay;
  limiter: SlidingWindowLimiter;
  bracket: BracketManager;
}

export function createOrdersCore(o: OrdersCoreOptions): OrdersCore {
  const store = new OrderStore(o.ds);
  const limiter = new SlidingWindowLimiter(o.rateLimitPerSec, o.clock);
  const applier = new OrderUpdateApplier(store, o.clock, o.bus);
  const resolver = new UnknownOrderResolver({
    store,
    broker: o.broker,
    applier,
    clock: o.clock,
    risk: o.risk,
    alerts: o.alerts,
    bus: o.bus,
    resolveWindowMs: o.resolveWindowMs,
    submitGraceMs: o.submitGraceMs,
  });
  const submitter = new OrderSubmitter({
    store,
    broker: o.broker,
    instruments: o.instruments,
    clock: o.clock,
    limiter,
    // A quarter-second margin: event-loop and network jitter between our send and the broker's count.
    sendLimiter: new SlidingWindowLimiter(o.rateLimitPerSec, o.clock, undefined, 1250),
    bus: o.bus,
    risk: o.risk,
    probe: o.probe,
    onUnknown: (id) => void resolver.resolveById(id).catch(() => undefined),
    lookup: (tag) => o.broker.findOrderByTag(tag),
    applyFound: (found) => applier.apply(found, 'RECONCILIATION'),
  });
  const placement = new OrderPlacementService({
    store,
    queue: o.queue,
    instruments: o.instruments,
    risk: o.risk,
    clock: o.clock,
    bus: o.bus,
    routing: o.routing,
    entriesBlocked: o.entriesBlocked,
    allBlocked: o.allBlocked,
    isExit: o.isExit,
    defaultTtlMs: o.defaultTtlMs,
    enqueueTimeoutMs: o.enqueueTimeoutMs,
  });
  const actions = new OrderActions({
    store,
    broker: o.broker,
    instruments: o.instruments,
    clock: o.clock,
    // Not the placement limiter: cancels and modifies have their own §7.1 limits at the broker.
    cancelLimiter: new SlidingWindowLimiter(
      o.cancelRateLimitPerSec ?? BROKER_WRITE_LIMIT_PER_SEC,
      o.clock,
      undefined,
      BROKER_SEND_WINDOW_MS,
    ),
    modifyLimiter: new SlidingWindowLimiter(
      o.modifyRateLimitPerSec ?? BROKER_WRITE_LIMIT_PER_SEC,
      o.clock,
      undefined,
      BROKER_SEND_WINDOW_MS,
    ),
    bus: o.bus,
  });
  const relay = new OutboxRelay(store, o.queue, o.clock);
  const bracket = new BracketManager({
    store,
    placement,
    actions,
    instruments: o.instruments,
    clock: o.clock,
    alerts: o.alerts,
    trailMinIntervalMs: o.trailMinIntervalMs ?? 2_000,
  });
  return { store, placement, submitter, actions, applier, resolver, relay, limiter, bracket };
}
