import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AuditService } from '@/audit/audit.service';
import { Role, type AuthUser } from '@/auth/role.enum';
import { Clock } from '@/common/clock';
import { AppError } from '@/common/errors';
import { EventBus } from '@/common/event-bus';
import { AppConfig } from '@/config/app-config';
import { evaluateBreakers, type BreakerTrigger } from './breakers';
import { istDate, istMinutesOfDay, parseHhMm } from './ist-time';
import { OrderCanceller } from './order-canceller.port';
import { riskMetrics } from './risk.metrics';
import { RiskService } from './risk.service';

export type KillSwitchAction = 'halt' | 'reduce' | 'resume';

export interface KillSwitchResult {
  state: string;
  cancelRequested: number;
  flattenRequested: number;
}

/**
 * The kill switch (manual and automatic) and the INTRADAY square-off. A halt blocks new orders in this
 * process before anything else happens (the engine state is set synchronously), then cancels every
 * open order and optionally flattens positions through the orders module's `OrderCanceller`.
 */
@Injectable()
export class KillSwitchService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(KillSwitchService.name);
  private brokerErrors: number[] = [];
  private squaredOffOn: string | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly risk: RiskService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly bus: EventBus,
    @Optional() private readonly canceller?: OrderCanceller,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.on('risk.broker_error', (e) => {
      this.brokerErrors.push(e.at);
      if (this.brokerErrors.length > 1000) this.brokerErrors = this.brokerErrors.slice(-500);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  async act(
    user: AuthUser,
    body: { action: KillSwitchAction; flatten?: boolean; reason: string },
  ): Promise<KillSwitchResult> {
    if (body.action === 'resume' && user.role !== Role.Admin) {
      throw new AppError('FORBIDDEN', 'only an admin may resume trading', 403);
    }
    const result = await this.apply(body.action, body.reason, user.id, body.flatten ?? false, 'manual');
    await this.audit.record({
      actorId: user.id,
      actorName: user.username,
      action: `risk.kill_switch.${body.action}`,
      target: 'trading',
      details: { reason: body.reason, flatten: body.flatten ?? false, ...result },
    });
    return result;
  }

  /** Shared by the API and the breakers. Cancels and flattens are best effort and logged on failure. */
  async apply(
    action: KillSwitchAction,
    reason: string,
    actorId: string | null,
    flatten: boolean,
    trigger: 'manual' | BreakerTrigger,
  ): Promise<KillSwitchResult> {
    riskMetrics.killSwitch.inc({ action, trigger });
    const state = action === 'halt' ? 'HALTED' : action === 'reduce' ? 'REDUCING' : 'ACTIVE';
    const persisted = this.risk.setState(state, reason, actorId);
    // Awaited after the cancels, but handled now: a failed write left without a handler while they
    // run is an unhandled rejection, which ends the Node process in the middle of a halt.
    persisted.catch(() => undefined);
    let cancelRequested = 0;
    let flattenRequested = 0;
    if (action === 'halt') {
      if (!this.canceller) this.logger.error('no OrderCanceller bound: open orders were NOT cancelled');
      else {
        const [cancelled, flattened] = await Promise.all([
          this.canceller.cancelAll(reason).catch((err: unknown) => this.failed('cancel', err)),
          flatten
            ? this.canceller.flattenAll(reason).catch((err: unknown) => this.failed('flatten', err))
            : { requested: 0 },
        ]);
        cancelRequested = cancelled.requested;
        flattenRequested = flattened.requested;
      }
    }
    await persisted;
    return { state, cancelRequested, flattenRequested };
  }

  /** Automatic trips (worker role): daily loss, drawdown, broker error rate, stale feed. */
  @Interval(2000)
  async checkBreakers(): Promise<void> {
    if (!this.config.hasRole('worker') || this.risk.state() === 'HALTED') return;
    const view = this.risk.portfolio.view;
    const now = this.clock.now();
    let lastTickAt: number | null = null;
    for (const p of view.positions()) {
      const t = view.lastTick(p.symbol)?.time;
      if (t !== undefined && (lastTickAt === null || t > lastTickAt)) lastTickAt = t;
    }
    const calendar = this.risk.calendar;
    const trip = evaluateBreakers(this.risk.breakers(), this.risk.limits(), {
      now,
      dayPnlPaise: view.dayPnlPaise(),
      equityPaise: view.equityPaise(),
      peakEquityPaise: view.peakEquityPaise(),
      brokerErrors: this.brokerErrors,
      lastTickAt,
      marketOpen: calendar ? calendar.isOpen('equity', now) : true,
    });
    if (!trip) return;
    this.logger.error(`breaker ${trip.trigger} tripped: ${trip.reason}`);
    if (trip.trigger === 'broker_errors') this.brokerErrors = [];
    await this.apply('halt', `breaker ${trip.trigger}: ${trip.reason}`, null, false, trip.trigger);
    await this.audit
      .record({ actorId: null, action: 'risk.breaker.trip', target: 'trading', details: { ...trip } })
      .catch(() => undefined);
  }

  /** Squares off INTRADAY positions once a day at SQUARE_OFF_TIME IST (worker role). */
  @Interval(5000)
  async squareOffIfDue(): Promise<boolean> {
    if (!this.config.hasRole('worker') || !this.canceller) return false;
    const now = this.clock.now();
    const today = istDate(now);
    if (this.squaredOffOn === today || istMinutesOfDay(now) < parseHhMm(this.risk.limits().squareOffTime))
      return false;
    if (this.risk.calendar && !this.risk.calendar.isTradingDay(now, 'equity')) return false;
    this.squaredOffOn = today;
    riskMetrics.squareOffs.inc();
    const r = await this.canceller
      .flattenAll(`auto square-off at ${this.risk.limits().squareOffTime} IST`, { product: 'INTRADAY' })
      .catch((err: unknown) => this.failed('square-off', err));
    this.logger.warn(`square-off requested ${r.requested} exit orders`);
    return true;
  }

  private failed(what: string, err: unknown): { requested: number } {
    this.logger.error(`kill switch ${what} failed: ${(err as Error).message}`);
    return { requested: 0 };
  }
}
