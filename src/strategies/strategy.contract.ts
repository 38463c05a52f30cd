/**
 * The strategy contract: what a strategy implements and what it is given. The same class runs in the
 * backtester, simulated, paper and live modes; only the context behind it changes.
 *
 * A strategy never places orders. It calls `ctx.emit(signal)`; the engine stamps the instance id and
 * the clock's time and hands the signal to the one injected executor (sizing -> risk -> order intent).
 * Prices are integer paise; indicators compute on plain numbers (paise as numbers).
 */
import type { Clock } from '@/common/clock';
import type { Paise } from '@/common/money';
import type { Signal } from '@/domain/execution';
import type { Candle, Interval, Side, Tick } from '@/domain/market';
import type * as Indicators from '@/strategies/indicators';

/** A DTO class (class-validator decorated, defaults as property initialisers) describing the parameters. */
export type ParamsClass<P extends object = object> = new () => P;

/** What a strategy hands to `ctx.emit`: the engine fills `strategyId` and `time` (from the clock) when absent. */
export type SignalInput = Omit<Signal, 'strategyId' | 'time'> & { time?: number };

/** The instance's own attributed position in one symbol (signed quantity: > 0 long, < 0 short, 0 flat). */
export interface StrategyPosition {
  readonly symbol: string;
  readonly quantity: number;
  /** Average entry price of the open quantity; 0 when flat. */
  readonly avgPricePaise: Paise;
  /** Epoch ms UTC of the fill that opened the current position; 0 when flat. */
  readonly openedAt: number;
  readonly realisedPnlPaise: Paise;
}

/** A read-only view of the whole account, supplied by the portfolio module (or the backtester). */
export interface PortfolioView {
  cashPaise(): Paise;
  equityPaise(): Paise;
  /** Account-wide net quantity in a symbol, across every strategy and manual trade. */
  netQuantity(symbol: string): number;
}

export type OrderUpdateStatus = 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'REJECTED' | 'EXPIRED';

/**
 * An order event attributed to a strategy instance. `fillQuantity`/`fillPricePaise` describe the new
 * fill carried by this update (0 when the update is not a fill), so positions are built from increments.
 */
export interface StrategyOrderUpdate {
  strategyId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  status: OrderUpdateStatus;
  fillQuantity: number;
  fillPricePaise: Paise;
  chargesPaise?: Paise;
  reason?: string;
  time: number; // epoch ms UTC
}

/** Indicator constructors, so user modules (plain .js in STRATEGIES_DIR) need no import path into the app. */
export type IndicatorKit = typeof Indicators;

export interface StrategyContext<P extends object = object> {
  /** The strategy instance id (also `Signal.strategyId`). */
  readonly instanceId: string;
  readonly params: Readonly<P>;
  readonly symbols: readonly string[];
  /** The instance's base timeframe; `Strategy.timeframes()` may ask for more. */
  readonly timeframe: Interval;
  readonly clock: Clock;
  readonly indicators: IndicatorKit;
  readonly portfolio: PortfolioView;
  /** True while the engine replays history before the live start; signals emitted then are dropped. */
  readonly warmingUp: boolean;
  position(symbol: string): StrategyPosition;
  emit(signal: SignalInput): void;
  log(message: string): void;
}

/**
 * Implement this. `params` arrive validated and complete (defaults applied) before construction.
 * Hooks run synchronously on the engine's hot path: do not block, do not await I/O.
 * A hook that throws marks the instance ERRORED and stops it; other instances go on.
 */
export abstract class Strategy<P extends object = object> {
  /** Stable type id used by the registry and the API, e.g. `sma-crossover`. */
  abstract readonly id: string;
  abstract readonly name: string;
  abstract readonly description: string;
  abstract readonly paramsSchema: ParamsClass<P>;

  constructor(readonly params: P) {}

  /** Timeframes this strategy consumes, given the instance's base timeframe. Default: only the base. */
  timeframes(base: Interval): Interval[] {
    return [base];
  }

  /** Closed candles of the base timeframe needed before the first signal can be meaningful. */
  abstract warmupBars(): number;

  /** Cross-parameter checks the DTO cannot express (e.g. fast < slow); return messages naming the parameter. */
  validateParams?(): ParamProblem[];

  onStart?(ctx: StrategyContext<P>): void;
  onCandle?(candle: Candle, ctx: StrategyContext<P>): void;
  onTick?(tick: Tick, ctx: StrategyContext<P>): void;
  onOrderUpdate?(update: StrategyOrderUpdate, ctx: StrategyContext<P>): void;
  onStop?(ctx: StrategyContext<P>): void;
}

export interface ParamProblem {
  param: string;
  message: string;
}

/** A concrete strategy class as the registry stores it. */
export type StrategyClass<P extends object = object> = new (params: P) => Strategy<P>;

/** Where the engine sends every signal: the signal executor (sizing, risk, order) in live modes and the backtester. */
export interface SignalExecutor {
  /** May return a promise; a rejection is logged and counted, never crashes the engine. */
  execute(signal: Signal): unknown;
}
