import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FindOptionsWhere, Repository } from 'typeorm';
import { Clock } from '@/common/clock';
import { AppError } from '@/common/errors';
import { EventBus } from '@/common/event-bus';
import { rupeesToPaise } from '@/common/money';
import { AppConfig } from '@/config/app-config';
import type { OrderIntent, RiskOutcome, TradingState } from '@/domain/execution';
import { MarketCalendar } from '@/market-data/calendar/market-calendar';
import type { OrdersRiskPort } from '@/orders/orders.ports';
import { PortfolioService } from '@/portfolio/portfolio.service';
import type {} from '@/monitoring/alerts/risk-state.event';
import { DEFAULT_BREAKERS, type BreakerSettings } from './breakers';
import { RiskRejectionEntity } from './entities/risk-rejection.entity';
import { RiskStateEntity } from './entities/risk-state.entity';
import { RiskEngine } from './risk-engine';
import { DEFAULT_RISK_LIMITS, type RiskCheckInput, type RiskLimits } from './risk-types';
import { riskMetrics, setTradingStateMetric } from './risk.metrics';

declare module '@/common/event-bus' {
  interface PlatformEvents {
    /** Anyone seeing a broker order error emits this; it feeds the broker-error breaker. */
    'risk.broker_error': { message: string; at: number };
  }
}

const ROW_ID = 'account';
/** How often each process re-reads the persisted state, so a halt in one process reaches the others. */
const SYNC_MS = 1000;

/** The configured limits: env values (rupees) over the engine's defaults. */
export function limitsFromConfig(config: AppConfig): RiskLimits {
  const e = config.env;
  return {
    ...DEFAULT_RISK_LIMITS,
    maxPositionNotionalPaise: rupeesToPaise(e.MAX_POSITION_SIZE),
    maxDailyLossPaise: rupeesToPaise(e.MAX_DAILY_LOSS),
    staleTickSeconds: e.STALE_TICK_SECONDS,
    squareOffTime: e.SQUARE_OFF_TIME,
    maxOrdersPerSecond: e.ORDER_RATE_LIMIT_PER_SEC,
  };
}

/**
 * The account's risk engine inside Nest: trading state persisted in `risk_state` (a restart comes back
 * in the state it left), limits from config plus admin overrides, every refusal recorded. It is also the
 * orders module's `OrdersRiskPort`.
 */
@Injectable()
export class RiskService implements OrdersRiskPort, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RiskService.name);
  readonly engine: RiskEngine;
  readonly calendar: MarketCalendar | undefined;
  private readonly configured: RiskLimits;
  private row: RiskStateEntity | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** State writes in flight: a sync must not read the row back before this process's own write lands. */
  private writing = 0;
  /** When this process last changed the state; an older persisted row never overrides it (fail closed if the write failed). */
  private localChangedAt = 0;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    readonly portfolio: PortfolioService,
    @InjectRepository(RiskStateEntity) private readonly states: Repository<RiskStateEntity>,
    @InjectRepository(RiskRejectionEntity) private readonly rejections: Repository<RiskRejectionEntity>,
  ) {
    this.configured = limitsFromConfig(config);
    // The simulator trades around the clock unless told to keep NSE hours; everything else keeps them.
    const keepHours = config.tradingMode !== 'simulated' || config.env.SIM_MARKET_HOURS === 'nse';
    this.calendar = keepHours ? new MarketCalendar() : undefined;
    this.engine = new RiskEngine({
      view: portfolio.view,
      clock,
      calendar: this.calendar,
      intradayCutoff: keepHours,
      limits: this.configured,
      // Start closed: until the persisted state is read, nothing may trade.
      initialState: 'HALTED',
      listener: { rejected: (input, reason, message) => this.recordRejection(input, reason, message) },
    });
  }

  async onModuleInit(): Promise<void> {
    let row = await this.states.findOneBy({ id: ROW_ID });
    if (!row) {
      await this.states.query(
        `INSERT INTO "risk_state" ("id", "state", "reason", "changed_at") VALUES ($1, 'ACTIVE', 'initial', $2) ON CONFLICT ("id") DO NOTHING`,
        [ROW_ID, new Date(this.clock.now())],
      );
      row = await this.states.findOneByOrFail({ id: ROW_ID });
    }
    this.adopt(row);
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  // --- OrdersRiskPort -----------------------------------------------------------------------------

  check(intent: OrderIntent | RiskCheckInput, _opts?: { exit: boolean }): RiskOutcome {
    return this.engine.check(intent);
  }

  state(): TradingState {
    return this.engine.tradingState;
  }

  /** The orders module's halt (an unresolved UNKNOWN order); honours the unknown-order breaker switch. */
  async halt(reason: string): Promise<void> {
    if (!this.breakers().unknownOrder) {
      this.logger.warn(`unknown-order breaker is off; not halting: ${reason}`);
      return;
    }
    riskMetrics.killSwitch.inc({ action: 'halt', trigger: 'unknown_order' });
    await this.setState('HALTED', reason, null);
  }

  // --- state ----------------------------------------------------------------------------------------

  /** Blocks or opens trading in this process at once, then persists and announces it. */
  async setState(
    state: TradingState,
    reason: string,
    actorId: string | null,
    actorName?: string,
  ): Promise<RiskStateEntity> {
    const previous = this.engine.tradingState;
    this.engine.setTradingState(state);
    setTradingStateMetric(state);
    const changedAt = new Date(this.clock.now());
    this.localChangedAt = changedAt.getTime();
    this.writing++;
    let row: RiskStateEntity;
    try {
      await this.states.update(
        { id: ROW_ID },
        { state, reason: reason.slice(0, 500), changedBy: actorId, changedAt },
      );
      row = await this.states.findOneByOrFail({ id: ROW_ID });
      this.row = row;
    } finally {
      this.writing--;
    }
    this.bus.emit('risk.state', {
      state,
      previous,
      killSwitch: state === 'HALTED',
      reason,
      actor: actorName ?? actorId ?? 'system',
      at: changedAt.getTime(),
    });
    this.logger.warn(`trading state ${state}: ${reason}`);
    return row;
  }

  limits(): RiskLimits {
    return this.engine.getLimits();
  }

  breakers(): BreakerSettings {
    return { ...DEFAULT_BREAKERS, ...(this.row?.breakers as Partial<BreakerSettings> | undefined) };
  }

  /** Applies and persists limit overrides; an invalid value is a 400 naming the fields. */
  async updateLimits(
    patch: Partial<RiskLimits>,
    breakers: Partial<BreakerSettings> | undefined,
  ): Promise<{ limits: RiskLimits; breakers: BreakerSettings }> {
    try {
      this.engine.setLimits(patch);
    } catch (err) {
      throw new AppError('RISK_LIMITS_INVALID', (err as Error).message, 400);
    }
    const overrides = { ...(this.row?.limits ?? {}), ...patch };
    const nextBreakers = { ...(this.row?.breakers ?? {}), ...(breakers ?? {}) };
    await this.states.update({ id: ROW_ID }, { limits: overrides, breakers: nextBreakers });
    this.row = await this.states.findOneByOrFail({ id: ROW_ID });
    return { limits: this.limits(), breakers: this.breakers() };
  }

  status() {
    const view = this.portfolio.view;
    const equity = view.equityPaise();
    const peak = view.peakEquityPaise();
    return {
      state: this.engine.tradingState,
      reason: this.row?.reason ?? '',
      changedBy: this.row?.changedBy ?? null,
      changedAt: this.row?.changedAt.toISOString() ?? null,
      equityPaise: equity,
      peakEquityPaise: peak,
      drawdownPercent: peak > 0 ? Math.max(0, ((peak - equity) * 100) / peak) : 0,
      dayPnlPaise: view.dayPnlPaise(),
      openPositions: view.positions().length,
      openOrders: view.openOrders().length,
      lossStreak: view.lossStreak(),
      ordersInLastSecond: this.engine.ordersInLastSecond(),
      limits: this.limits(),
      breakers: this.breakers(),
    };
  }

  async listRejections(q: { page: number; pageSize: number; userId?: string; reason?: string }) {
    const where: FindOptionsWhere<RiskRejectionEntity> = {};
    if (q.userId) where.userId = q.userId;
    if (q.reason) where.reason = q.reason;
    const [rows, total] = await this.rejections.findAndCount({
      where,
      order: { at: 'DESC', id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return {
      total,
      page: q.page,
      pageSize: q.pageSize,
      items: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
    };
  }

  /** Re-reads the persisted state: another process may have halted or resumed trading. */
  async sync(): Promise<void> {
    try {
      if (this.writing > 0) return;
      const row = await this.states.findOneBy({ id: ROW_ID });
      if (row && this.writing === 0) this.adopt(row);
    } catch (err) {
      this.logger.warn(`risk state sync failed: ${(err as Error).message}`);
    }
  }

  private adopt(row: RiskStateEntity): void {
    this.row = row;
    if (row.changedAt.getTime() >= this.localChangedAt && row.state !== this.engine.tradingState) {
      this.engine.setTradingState(row.state);
    }
    setTradingStateMetric(this.engine.tradingState);
    try {
      this.engine.setLimits({ ...this.configured, ...row.limits });
    } catch (err) {
      this.logger.error(
        `stored risk limits are invalid, keeping the configured ones: ${(err as Error).message}`,
      );
    }
    if (row.peakEquityPaise > 0) this.portfolio.view.setPeakEquity(row.peakEquityPaise);
  }

  private recordRejection(input: RiskCheckInput, reason: string, message: string): void {
    riskMetrics.rejections.inc({ strategy: input.strategyId ?? 'manual', reason });
    const intent = input as Partial<OrderIntent>;
    this.rejections
      .insert({
        at: new Date(this.clock.now()),
        userId: intent.userId ?? null,
        strategyId: input.strategyId ?? null,
        symbol: input.symbol.slice(0, 64),
        side: input.side,
        quantity: Number.isSafeInteger(input.quantity) ? input.quantity : 0,
        reason,
        message: message.slice(0, 500),
      })
      .catch((err: unknown) => this.logger.warn(`risk rejection not stored: ${(err as Error).message}`));
  }
}
