import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { Clock } from '@/common/clock';
import { EventBus } from '@/common/event-bus';
import { AppConfig } from '@/config/app-config';
import { BrokerError } from '@/broker/broker.errors';
import { BrokerGateway } from '@/broker/broker-gateway';
import type { OrderIntent } from '@/domain/execution';
import type { ProductType, Tick } from '@/domain/market';
import { MarketDataService } from '@/market-data/api/market-data.service';
import { InstrumentCatalog } from '@/broker/instruments/instrument-catalog';
import { HealthRegistry } from '@/health/health-registry';
import { AlertService } from '@/monitoring/alerts/alert.service';
import { QUEUES } from '@/queues/queue.constants';
import { BullPlacementQueue } from './bull-placement.queue';
import { createOrdersCore, type OrdersBroker, type OrdersCore } from './orders-core';
import {
  ORDERS_INSTRUMENTS,
  ORDERS_POSITIONS,
  ORDERS_RISK,
  PERMISSIVE_RISK,
  SYSTEM_USER_ID,
  type InstrumentLookup,
  type OrdersAlertSink,
  type OrdersRiskPort,
  type PlacementJob,
} from './orders.ports';
import { ReconciliationGate } from './reconciliation-gate';
import { Reconciler, type LocalPositionsPort } from './reconciler';
import { serveOpenOrders } from './orders.metrics';
import { platformRouting } from './routing-sources';

const RELAY_MS = 2_000;
const SWEEP_MS = 5_000;
const RECONCILE_MS = 5 * 60_000;
const POLL_MS = 15_000;
const DEFAULT_TTL_MS = 120_000;

/**
 * Builds the orders core from the platform's services and runs its background duties. API processes
 * relay the outbox and honour the reconciliation gate; worker processes also consume the queue,
 * resolve unknown orders, apply the broker's order updates (stream, and the order-book poll as a
 * fallback) and reconcile at startup, every five minutes and after every broker reconnect.
 */
@Injectable()
export class OrdersRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OrdersRuntime.name);
  readonly core: OrdersCore;
  readonly gate: ReconciliationGate;
  readonly reconciler: Reconciler;
  private readonly timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | null = null;
  private readonly offBus: (() => void)[] = [];
  private readonly lastPrice = new Map<string, number>();
  /** Ticks seen on this process's bus (the feed process), ahead of the market-data Redis cache. */
  private readonly lastTicks = new Map<string, Tick>();
  private lastSession = '';

  constructor(
    ds: DataSource,
    private readonly config: AppConfig,
    clock: Clock,
    private readonly bus: EventBus,
    private readonly moduleRef: ModuleRef,
    @InjectQueue(QUEUES.orders) private readonly queue: Queue<PlacementJob>,
    @Optional() @Inject(ORDERS_RISK) risk?: OrdersRiskPort,
    @Optional() @Inject(ORDERS_INSTRUMENTS) instruments?: InstrumentLookup,
    @Optional() @Inject(ORDERS_POSITIONS) private readonly positions?: LocalPositionsPort,
  ) {
    const env = config.env;
    this.gate = new ReconciliationGate(ds);
    const alertSink: OrdersAlertSink = {
      raise: (a) =>
        void this.optional(AlertService)?.raise({
          key: a.key,
          severity: a.severity,
          title: a.title,
          details: { message: a.message },
        }),
    };
    const lookup: InstrumentLookup = instruments ?? { get: (s) => this.optional(InstrumentCatalog)?.get(s) };
    if (!risk) this.logger.warn('no risk port bound (ORDERS_RISK): orders are checked for shape only');
    this.core = createOrdersCore({
      ds,
      broker: this.lazyBroker(),
      queue: new BullPlacementQueue(queue),
      instruments: lookup,
      clock,
      risk: risk ?? PERMISSIVE_RISK,
      alerts: alertSink,
      bus,
      routing: platformRouting({
        protection: env.ORDER_MARKET_PROTECTION,
        staleMs: env.STALE_TICK_SECONDS * 1000,
        instruments: lookup,
        ticks: (symbols) => this.latestTicks(symbols),
        positions: () => this.netPositions(),
      }),
      rateLimitPerSec: env.ORDER_RATE_LIMIT_PER_SEC,
      cancelRateLimitPerSec: env.CANCEL_RATE_LIMIT_PER_SEC,
      resolveWindowMs: env.ORDER_UNKNOWN_RESOLVE_SECONDS * 1000,
      submitGraceMs: env.ANGEL_REQUEST_TIMEOUT_MS + 5_000,
      defaultTtlMs: DEFAULT_TTL_MS,
      enqueueTimeoutMs: 1_000,
      entriesBlocked: () => this.gate.entriesBlocked(),
      allBlocked: () => this.gate.allBlocked(),
      isExit: (intent) => this.isExit(intent),
    });
    this.reconciler = new Reconciler({
      ds,
      store: this.core.store,
      broker: this.lazyBroker(),
      applier: this.core.applier,
      resolver: this.core.resolver,
      clock,
      positions,
      alerts: alertSink,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Degraded (not down) while placements wait in the outbox (Redis away) or an order's fate is unknown.
    this.optional(HealthRegistry)?.register('orders', () => this.health(), { critical: false });
    this.every(RELAY_MS, () => this.core.relay.runOnce());
    this.every(2_000, () => this.gate.refresh());
    this.offBus.push(this.bus.on('market.tick', (t) => void this.lastTicks.set(t.symbol, t)));
    await this.gate.refresh().catch(() => undefined);
    if (!this.config.hasRole('worker')) return;
    serveOpenOrders(this.core.store.ds);
    const broker = this.optional(BrokerGateway);
    if (broker)
      this.unsubscribe = broker.onOrderUpdate(
        (u) =>
          void this.core.applier
            .apply(u.order, 'BROKER')
            .catch((e: Error) => this.logger.error(`order update not applied: ${e.message}`)),
      );
    await this.gate
      .markStartup()
      .catch((e: Error) => this.logger.error(`cannot mark startup reconciliation: ${e.message}`));
    void this.reconcile('startup');
    void this.queue.process(Math.max(4, this.config.env.ORDER_RATE_LIMIT_PER_SEC), (job) =>
      this.core.submitter.submit(job.data.orderId, { verify: job.data.verify }),
    );
    this.offBus.push(
      this.bus.on('orders.updated', (v) => {
        if (v.leg !== 'ENTRY' && v.leg !== 'STOP' && v.leg !== 'TARGET') return;
        void this.core.store
          .findById(v.id)
          .then((o) => o && this.core.bracket.onOrder(o))
          .catch((e: Error) => this.logger.error(`bracket handling of ${v.id} failed: ${e.message}`));
      }),
      this.bus.on('market.tick', (t) => void this.lastPrice.set(t.symbol, t.ltpPaise)),
    );
    this.every(1_000, () => this.trailStops());
    this.every(SWEEP_MS, () => this.core.resolver.sweep());
    this.every(RECONCILE_MS, () => this.reconcile(this.gate.allBlocked() ? 'startup' : 'schedule'));
    this.every(POLL_MS, () => this.pollOrderBook());
    this.every(5_000, () => this.watchSession());
  }

  async onModuleDestroy(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const off of this.offBus) off();
    this.unsubscribe?.();
    await this.core.store.close();
  }

  /**
   * Net positions per user, symbol and product: the portfolio's (ORDERS_POSITIONS, what reconciliation
   * compares with the broker) when bound, else the orders module's own trades (the kill -9 worker, tests).
   * The kill switch flattens, and the exit check measures, against these.
   */
  async netPositions(): Promise<
    { userId: string; symbol: string; product: ProductType; quantity: number }[]
  > {
    if (this.positions) return this.positions.netPositions();
    const rows: { userId: string; symbol: string; product: ProductType; quantity: string }[] =
      await this.core.store.ds.query(
        `SELECT t.user_id AS "userId", t.symbol, o.product, SUM(CASE WHEN t.side = 'BUY' THEN t.quantity ELSE -t.quantity END) AS quantity
       FROM trades t JOIN orders o ON o.id = t.order_id GROUP BY t.user_id, t.symbol, o.product`,
      );
    return rows.map((r) => ({ ...r, quantity: Number(r.quantity) })).filter((r) => r.quantity !== 0);
  }

  /** Latest ticks for routing: this process's own feed first, else the market-data cache in Redis. */
  private async latestTicks(symbols: string[]): Promise<Map<string, Tick>> {
    const out = new Map<string, Tick>();
    for (const s of symbols) {
      const t = this.lastTicks.get(s);
      if (t) out.set(s, t);
    }
    const missing = symbols.filter((s) => !out.has(s));
    const md = missing.length ? this.optional(MarketDataService) : undefined;
    if (md) for (const [s, t] of await md.latestTicks(missing)) out.set(s, t);
    return out;
  }

  private async health(): Promise<{ up: boolean; details: Record<string, unknown> }> {
    const [row]: { stale: number; unknown: number }[] = await this.core.store.ds.query(
      `SELECT (SELECT count(*)::int FROM order_outbox WHERE done_at IS NULL AND created_at < now() - interval '10 seconds') AS stale,
              (SELECT count(*)::int FROM orders WHERE status = 'UNKNOWN') AS unknown`,
    );
    const blocked = this.gate.entriesBlocked();
    return {
      up: row.stale === 0 && row.unknown === 0 && !blocked,
      details: { outboxBacklog: row.stale, unknownOrders: row.unknown, tradingGate: blocked ?? 'open' },
    };
  }

  /** An order that only reduces the user's existing position in the symbol and product. */
  private async isExit(intent: OrderIntent): Promise<boolean> {
    const userId = intent.userId ?? SYSTEM_USER_ID;
    const pos = (await this.netPositions()).find(
      (p) => p.userId === userId && p.symbol === intent.symbol && p.product === intent.product,
    );
    if (!pos) return false;
    const reduces = pos.quantity > 0 ? intent.side === 'SELL' : intent.side === 'BUY';
    return reduces && intent.quantity <= Math.abs(pos.quantity);
  }

  async reconcile(trigger: Parameters<Reconciler['run']>[0]): Promise<void> {
    const r = await this.reconciler.run(trigger);
    this.gate.observe(r);
  }

  /** Moves trailing stops towards the latest price (one read of the live trailing stops per second). */
  private async trailStops(): Promise<void> {
    if (this.lastPrice.size === 0) return;
    const stops = (
      await this.core.store.findByStatus(['OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED'])
    ).filter((o) => o.leg === 'STOP' && o.trailingStopPaise);
    for (const symbol of new Set(stops.map((s) => s.symbol))) {
      const ltp = this.lastPrice.get(symbol);
      if (ltp) await this.core.bracket.onPrice(symbol, ltp, stops);
    }
  }

  /** Fallback for a silent update stream: the order book, applied the same idempotent way. */
  private async pollOrderBook(): Promise<void> {
    const live = await this.core.store.findByStatus([
      'OPEN',
      'TRIGGER_PENDING',
      'PARTIALLY_FILLED',
      'CANCEL_PENDING',
    ]);
    if (!live.length) return;
    const broker = this.optional(BrokerGateway);
    if (!broker) return;
    for (const bo of await broker.orderBook()) await this.core.applier.apply(bo, 'BROKER');
  }

  private async watchSession(): Promise<void> {
    const state = this.optional(BrokerGateway)?.sessionStatus().state ?? 'DISCONNECTED';
    const reconnected = state === 'CONNECTED' && this.lastSession !== '' && this.lastSession !== 'CONNECTED';
    this.lastSession = state;
    if (reconnected) await this.reconcile('reconnect');
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    let busy = false;
    const t = setInterval(() => {
      if (busy) return;
      busy = true;
      fn()
        .catch((e: Error) => this.logger.warn(`background task failed: ${e.message}`))
        .finally(() => (busy = false));
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  private optional<T>(token: abstract new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(token, { strict: false });
    } catch {
      return undefined;
    }
  }

  /** The broker is resolved per call: the broker module may come up after orders, or not at all. */
  private lazyBroker(): OrdersBroker & Pick<BrokerGateway, 'orderBook' | 'tradeBook' | 'positions'> {
    const get = (): BrokerGateway => {
      const b = this.optional(BrokerGateway);
      if (!b) throw new BrokerError('unavailable', 'gateway', 'no broker gateway is bound');
      return b;
    };
    return {
      placeOrder: (r) => get().placeOrder(r),
      modifyOrder: (r) => get().modifyOrder(r),
      cancelOrder: (id) => get().cancelOrder(id),
      findOrderByTag: (t) => get().findOrderByTag(t),
      orderBook: () => get().orderBook(),
      tradeBook: () => get().tradeBook(),
      positions: () => get().positions(),
    };
  }
}
