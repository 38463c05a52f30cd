/**
 * Runs the strategy engine in the process that holds the market feed (role `feed`): subscribes it to
 * `market.candle`, `market.tick`, `portfolio.fill` (fills with their charges) and `orders.updated` on the EventBus, and reconciles
 * its instances with `strategy_instances` every few seconds (and at once after an API change in this
 * process), writing back status, errors and metrics. Creates the demo instance on the first start in
 * simulated mode.
 */
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { Clock } from '@/common/clock';
import { EventBus } from '@/common/event-bus';
import { AppConfig } from '@/config/app-config';
import type { Signal } from '@/domain/execution';
import { SYSTEM_USER_ID } from '@/orders/orders.ports';
import { StrategyEngine, type HistoryProvider, type InstanceView } from '@/strategies/engine';
import type {} from '@/portfolio/portfolio.service';
import { StrategyRegistry } from '@/strategies/registry';
import type { PortfolioView, SignalExecutor } from '@/strategies/strategy.contract';
import { platformExecutor, strategyHistory, strategyPortfolio, strategyPositions } from './host-adapters';
import { recordSignal, recordStatus, recordTrade } from './strategies.metrics';
import { STRATEGY_SIGNAL_EXECUTOR } from './strategies.tokens';
import { StrategyInstanceEntity, type ReportedStatus } from './strategy-instance.entity';

declare module '@/common/event-bus' {
  interface PlatformEvents {
    /** Every signal a strategy instance sent to the executor. */
    'strategies.signal': Signal;
  }
}

const SYNC_MS = 3_000;
const TERMINAL: Record<string, 'CANCELLED' | 'REJECTED' | 'EXPIRED' | 'FILLED'> = {
  CANCELLED: 'CANCELLED',
  REJECTED: 'REJECTED',
  RISK_REJECTED: 'REJECTED',
  FAILED: 'REJECTED',
  EXPIRED: 'EXPIRED',
  FILLED: 'FILLED',
};

@Injectable()
export class StrategyEngineHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('StrategyEngine');
  private readonly repo: Repository<StrategyInstanceEntity>;
  private engine: StrategyEngine | null = null;
  /** The configuration each running engine instance was built from, to rebuild it on a change. */
  private readonly built = new Map<string, string>();
  private readonly unsubscribe: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private closing = false;

  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly config: AppConfig,
    private readonly registry: StrategyRegistry,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
    @Optional() @Inject(STRATEGY_SIGNAL_EXECUTOR) private readonly executor?: SignalExecutor,
  ) {
    this.repo = ds.getRepository(StrategyInstanceEntity);
  }

  get hosting(): boolean {
    return this.engine !== null;
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const e of this.registry.loadErrors)
      this.logger.error(`strategy module ${e.file} failed to load: ${e.message}`);
    await this.createDemoOnFirstStart();
    if (!this.config.hasRole('feed')) return;
    this.start(strategyPortfolio(this.moduleRef), strategyHistory(this.moduleRef));
    await this.syncNow();
    this.timer = setInterval(() => void this.syncNow(), SYNC_MS);
    this.timer.unref();
  }

  /** Starts the engine in this process (the feed role does it at boot; tests may call it). */
  start(portfolio: PortfolioView, history?: HistoryProvider): StrategyEngine {
    if (this.engine) return this.engine;
    // Late-bound: the platform executor asks the engine for the instance's own position on exits.
    let engine: StrategyEngine | null = null;
    const position = (id: string, symbol: string): number => engine?.position(id, symbol)?.quantity ?? 0;
    const platform =
      this.executor ??
      platformExecutor(this.moduleRef, this.clock, this.config.env.RISK_PERCENTAGE, position);
    if (!platform)
      this.logger.warn(
        'no signal executor (orders, risk or portfolio not loaded): signals are published but not executed',
      );
    const executor: SignalExecutor = platform ?? {
      execute: () => ({ accepted: false, reason: 'NO_EXECUTOR' }),
    };
    const created = new StrategyEngine({
      executor,
      clock: this.clock,
      portfolio,
      history,
      logger: {
        log: (m) => this.logger.log(m),
        warn: (m) => this.logger.warn(m),
        error: (m) => this.logger.error(m),
      },
      onStatusChange: (id, status, error) => void this.writeStatus(id, status, error),
      onSignal: (s) => {
        recordSignal(s);
        this.bus.emit('strategies.signal', s);
      },
      onTrade: (id, t) => recordTrade(id, t),
    });
    engine = created;
    this.engine = created;
    this.unsubscribe.push(
      this.bus.on('market.candle', (c) => created.onCandle(c)),
      this.bus.on('market.tick', (t) => created.onTick(t)),
      // The portfolio's fill carries the charges it booked, so instance P&L is net of the same costs.
      this.bus.on('portfolio.fill', (f) => {
        if (!f.strategyId || !created.has(f.strategyId)) return;
        created.onOrderUpdate({
          strategyId: f.strategyId,
          clientOrderId: f.orderId,
          symbol: f.symbol,
          side: f.side,
          status: 'PARTIALLY_FILLED',
          fillQuantity: f.quantity,
          fillPricePaise: f.pricePaise,
          chargesPaise: f.chargesPaise,
          time: f.at,
        });
      }),
      this.bus.on('orders.updated', (o) => {
        const status = TERMINAL[o.status];
        if (!o.strategyId || !status || !created.has(o.strategyId)) return;
        created.onOrderUpdate({
          strategyId: o.strategyId,
          clientOrderId: o.clientOrderId,
          symbol: o.symbol,
          side: o.side,
          status,
          fillQuantity: 0,
          fillPricePaise: 0,
          reason: o.reasonMessage ?? undefined,
          time: this.clock.now(),
        });
      }),
    );
    return created;
  }

  view(id: string): InstanceView | undefined {
    return this.engine?.view(id);
  }

  /** Reconcile now (serialised: a call during a sync waits for it and runs once more). */
  async syncNow(): Promise<void> {
    if (!this.engine) return;
    while (this.syncing) await this.syncing;
    this.syncing = this.sync().finally(() => (this.syncing = null));
    return this.syncing;
  }

  onModuleDestroy(): void {
    // Instances stop with the process; their stored state stays as the user left it (RUNNING restarts).
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    for (const u of this.unsubscribe.splice(0)) u();
    const engine = this.engine;
    if (!engine) return;
    for (const v of engine.views()) engine.stop(v.id);
  }

  private async sync(): Promise<void> {
    const engine = this.engine!;
    let rows: StrategyInstanceEntity[];
    try {
      rows = await this.repo.find();
    } catch (err) {
      this.logger.warn(`cannot read strategy instances: ${(err as Error).message}`);
      return;
    }
    const ids = new Set(rows.map((r) => r.id));
    for (const v of engine.views()) {
      if (!ids.has(v.id)) {
        engine.remove(v.id);
        this.built.delete(v.id);
      }
    }
    for (const row of rows) {
      const key = JSON.stringify([row.typeId, row.symbols, row.timeframe, row.params]);
      if (engine.has(row.id) && this.built.get(row.id) !== key) {
        engine.remove(row.id);
        this.built.delete(row.id);
      }
      if (row.desiredState === 'STOPPED') {
        if (engine.has(row.id)) engine.stop(row.id);
        continue;
      }
      if (!engine.has(row.id)) {
        const made = this.registry.instantiate(row.typeId, row.params);
        if (!made.ok) {
          await this.writeStatus(row.id, 'ERRORED', made.problems.map((p) => p.message).join('; '));
          continue;
        }
        engine.addInstance({
          id: row.id,
          strategy: made.strategy,
          symbols: row.symbols,
          timeframe: row.timeframe,
        });
        engine.restore(row.id, {
          positions: strategyPositions(this.moduleRef, row.id),
          metrics: row.metrics,
        });
        this.built.set(row.id, key);
      }
      const status = engine.status(row.id);
      // An ERRORED instance restarts only after the user asked again (start clears the stored error).
      if (status === 'STOPPED' || (status === 'ERRORED' && row.status !== 'ERRORED'))
        await engine.start(row.id);
    }
    await this.flushMetrics();
  }

  private async flushMetrics(): Promise<void> {
    for (const v of this.engine?.views() ?? []) {
      recordStatus(v);
      await this.repo
        .update({ id: v.id }, { metrics: v.metrics })
        .catch((err: Error) => this.logger.warn(`cannot store metrics of ${v.id}: ${err.message}`));
    }
  }

  private async writeStatus(id: string, status: ReportedStatus, error: string | null): Promise<void> {
    if (this.closing) return;
    try {
      await this.repo.update({ id }, { status, error });
    } catch (err) {
      this.logger.warn(`cannot store status of ${id}: ${(err as Error).message}`);
    }
  }

  /** Simulated mode, DEMO_STRATEGY on, and no instance at all: an SMA crossover on the watchlist, running. */
  private async createDemoOnFirstStart(): Promise<void> {
    if (this.config.tradingMode !== 'simulated' || !this.config.env.DEMO_STRATEGY) return;
    const symbols = this.config.watchlist.slice(0, 50);
    if (symbols.length === 0) return;
    try {
      await this.repo.manager.transaction(async (em) => {
        // One process creates it even when several start together.
        await em.query('SELECT pg_advisory_xact_lock($1)', [727_105]);
        if ((await em.count(StrategyInstanceEntity)) > 0) return;
        const made = this.registry.instantiate('sma-crossover', { fast: 5, slow: 20 });
        if (!made.ok) return;
        const now = new Date();
        await em.save(StrategyInstanceEntity, {
          id: randomUUID(),
          userId: SYSTEM_USER_ID,
          name: 'Demo SMA crossover',
          typeId: 'sma-crossover',
          symbols,
          timeframe: '1m',
          params: made.params,
          desiredState: 'RUNNING',
          status: 'STARTING',
          error: null,
          metrics: null,
          isDemo: true,
          createdAt: now,
          updatedAt: now,
        });
        this.logger.log(`created the demo SMA crossover (5/20, 1m) on ${symbols.join(', ')}`);
      });
    } catch (err) {
      this.logger.warn(`could not create the demo strategy: ${(err as Error).message}`);
    }
  }
}
