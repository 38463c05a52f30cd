/**
 * The pre-trade risk engine: one instance per account, the same code in backtest, simulated, paper and
 * live. `check()` never throws for an expected refusal; it returns `{accepted:false, reason, message}`.
 *
 * Orders are classified by effect, not by the label a strategy gives them: an order is an exit
 * ("reducing") when, together with the resting orders on its side, it only shrinks the instrument's net
 * position. Exits pass in REDUCING, and skip the checks that exist to stop new risk (losses, exposure,
 * stale data, square-off cutoff) so a position can always be closed; they still face validation, market
 * hours, the fat-finger caps and the order rate.
 */
import type { Clock } from '@/common/clock';
import type { RiskOutcome, TradingState } from '@/domain/execution';
import {
  checkExposure,
  checkFatFinger,
  checkLosses,
  checkPriceBand,
  checkPrices,
  refuse,
  restingBySymbol,
  type CheckContext,
  type Refusal,
} from './risk-checks';
import { istMinutesOfDay, parseHhMm } from './ist-time';
import { OrderRateWindow } from './order-rate';
import {
  DEFAULT_RISK_LIMITS,
  type MarketHours,
  type RiskCheckInput,
  type RiskDecisionListener,
  type RiskLimits,
  type RiskView,
  segmentOf,
} from './risk-types';

export interface RiskEngineOptions {
  view: RiskView;
  clock: Clock;
  limits?: Partial<RiskLimits>;
  /** Without a calendar the market-hours check is off (a backtest replays session data only). */
  calendar?: MarketHours;
  /**
   * Refuse new INTRADAY entries from SQUARE_OFF_TIME IST until midnight (default on). Off against a
   * simulator trading around the clock: the day's square-off still runs, and trading carries on after it.
   */
  intradayCutoff?: boolean;
  initialState?: TradingState;
  listener?: RiskDecisionListener;
}

export interface CheckOptions {
  /** Evaluate without consuming an order-rate slot (previews, the status endpoint). */
  dryRun?: boolean;
}

const ACCEPTED: RiskOutcome = Object.freeze({ accepted: true as const });

export class RiskEngine {
  private readonly view: RiskView;
  private readonly clock: Clock;
  private readonly calendar?: MarketHours;
  private readonly listener?: RiskDecisionListener;
  private readonly intradayCutoff: boolean;
  private state: TradingState;
  private limits: RiskLimits;
  private cutoffMinutes: number;
  private readonly rate: OrderRateWindow;

  constructor(opts: RiskEngineOptions) {
    this.view = opts.view;
    this.clock = opts.clock;
    this.calendar = opts.calendar;
    this.listener = opts.listener;
    this.intradayCutoff = opts.intradayCutoff ?? true;
    this.state = opts.initialState ?? 'ACTIVE';
    this.limits = validateLimits({ ...DEFAULT_RISK_LIMITS, ...opts.limits });
    this.cutoffMinutes = parseHhMm(this.limits.squareOffTime);
    this.rate = new OrderRateWindow(this.limits.maxOrdersPerSecond);
  }

  get tradingState(): TradingState {
    return this.state;
  }

  /** Takes effect for the very next check (the kill switch relies on this being synchronous). */
  setTradingState(state: TradingState): void {
    this.state = state;
  }

  getLimits(): RiskLimits {
    return { ...this.limits, strategyOverrides: { ...this.limits.strategyOverrides } };
  }

  /** Replaces the given limits; throws RangeError on an invalid value and keeps the old limits. */
  setLimits(patch: Partial<RiskLimits>): RiskLimits {
    const next = validateLimits({ ...this.limits, ...patch });
    this.limits = next;
    this.cutoffMinutes = parseHhMm(next.squareOffTime);
    this.rate.resize(next.maxOrdersPerSecond);
    return this.getLimits();
  }

  /** True when the order only shrinks the instrument's net position (see the file comment). */
  isReducing(input: Pick<RiskCheckInput, 'symbol' | 'side' | 'quantity'>): boolean {
    const pos = this.view.positionQuantity(input.symbol);
    if (pos === 0) return false;
    if ((input.side === 'SELL') !== pos > 0) return false;
    const sameSide = restingBySymbol(this.view).get(input.symbol);
    const pending = sameSide ? (input.side === 'BUY' ? sameSide.buy : sameSide.sell) : 0;
    return input.quantity + pending <= Math.abs(pos);
  }

  check(input: RiskCheckInput, opts: CheckOptions = {}): RiskOutcome {
    const now = this.clock.now();
    const refusal = this.evaluate(input, now);
    if (refusal) {
      this.listener?.rejected?.(input, refusal.reason, refusal.message);
      return refusal;
    }
    if (!opts.dryRun) this.rate.record(now);
    return ACCEPTED;
  }

  /** Orders accepted in the last second, for the status endpoint. */
  ordersInLastSecond(): number {
    return this.rate.countInLastSecond(this.clock.now());
  }

  private evaluate(input: RiskCheckInput, now: number): Refusal | null {
    if (this.state === 'HALTED')
      return refuse('TRADING_HALTED', 'trading is halted: only cancels are accepted');
    if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) {
      return refuse('ZERO_QUANTITY', `quantity must be a positive whole number, got ${input.quantity}`);
    }
    const spec = this.view.instrument(input.symbol);
    if (!spec) return refuse('UNKNOWN_INSTRUMENT', `unknown instrument ${input.symbol}`);
    if (spec.lotSize > 1 && input.quantity % spec.lotSize !== 0) {
      return refuse(
        'LOT_SIZE',
        `quantity ${input.quantity} is not a multiple of the lot size ${spec.lotSize}`,
      );
    }
    const priceRefusal = checkPrices(input, spec);
    if (priceRefusal) return priceRefusal;
    if (this.calendar && !this.calendar.isOpen(segmentOf(spec.exchange), now)) {
      return refuse('MARKET_CLOSED', `${spec.exchange} is closed`);
    }
    const reducing = this.isReducing(input);
    if (this.state === 'REDUCING' && !reducing) {
      return refuse(
        'TRADING_REDUCING',
        'trading is reducing: only orders that shrink a position are accepted',
      );
    }
    const afterCutoff = this.intradayCutoff && istMinutesOfDay(now) >= this.cutoffMinutes;
    if (!reducing && input.product === 'INTRADAY' && afterCutoff) {
      return refuse('SQUARE_OFF_CUTOFF', `no new intraday entries after ${this.limits.squareOffTime} IST`);
    }
    const tick = this.view.lastTick(input.symbol);
    if (!reducing) {
      if (!tick) return refuse('NO_PRICE', `no market price for ${input.symbol}`);
      const stale = this.limits.staleTickSeconds;
      if (stale > 0 && now - tick.time > stale * 1000) {
        return refuse(
          'STALE_DATA',
          `last tick for ${input.symbol} is ${Math.round((now - tick.time) / 1000)} s old (limit ${stale} s)`,
        );
      }
    }
    const ctx: CheckContext = {
      input,
      view: this.view,
      limits: this.limits,
      now,
      spec,
      tick,
      reducing,
      refPricePaise: refPrice(input, tick?.pricePaise),
    };
    const r =
      checkPriceBand(ctx) ??
      checkFatFinger(ctx) ??
      (reducing ? null : (checkLosses(ctx) ?? checkExposure(ctx)));
    if (r) return r;
    if (!this.rate.allows(now)) {
      return refuse('ORDER_RATE', `more than ${this.limits.maxOrdersPerSecond} orders in one second`);
    }
    return null;
  }
}

function refPrice(input: RiskCheckInput, ltp: number | undefined): number | undefined {
  switch (input.type) {
    case 'MARKET':
      return ltp;
    case 'LIMIT':
    case 'SL':
      return input.pricePaise ?? ltp;
    case 'SL-M':
      return input.triggerPricePaise ?? ltp;
  }
}

const NON_NEGATIVE_INTEGERS = [
  'maxPositionNotionalPaise',
  'maxGrossExposurePaise',
  'maxNetExposurePaise',
  'maxOpenPositions',
  'maxOrderQuantity',
  'maxOrderNotionalPaise',
  'staleTickSeconds',
  'maxDailyLossPaise',
  'lossCooldownCount',
  'lossCooldownSeconds',
  'maxOrdersPerSecond',
  'strategyMaxDailyLossPaise',
  'strategyMaxTradesPerDay',
] as const satisfies readonly (keyof RiskLimits)[];

/** Throws RangeError naming every bad field (limits come from config at boot or an admin's PUT). */
export function validateLimits(l: RiskLimits): RiskLimits {
  const bad: string[] = [];
  for (const k of NON_NEGATIVE_INTEGERS) if (!Number.isSafeInteger(l[k]) || l[k] < 0) bad.push(k);
  for (const k of ['priceBandPercent', 'maxDrawdownPercent'] as const) {
    if (!Number.isFinite(l[k]) || l[k] < 0 || l[k] > 100) bad.push(k);
  }
  try {
    parseHhMm(l.squareOffTime);
  } catch {
    bad.push('squareOffTime');
  }
  for (const [id, o] of Object.entries(l.strategyOverrides ?? {})) {
    for (const v of [o.maxDailyLossPaise, o.maxTradesPerDay]) {
      if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) bad.push(`strategyOverrides.${id}`);
    }
  }
  if (bad.length) throw new RangeError(`invalid risk limits: ${[...new Set(bad)].join(', ')}`);
  return { ...l, strategyOverrides: { ...(l.strategyOverrides ?? {}) } };
}
