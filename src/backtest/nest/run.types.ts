/**
 * The stored shapes of a backtest run: what the API writes on create and the worker writes on finish.
 * Money is integer paise (prices fractional paise when fills averaged); times epoch ms UTC.
 */
import type { BacktestSpec } from '@/backtest/backtest-spec';
import type { BacktestMetrics } from '@/backtest/metrics';
import type { Objective, ParamRange, ParamValue } from '@/backtest/optimizer';

export const RUN_KINDS = ['backtest', 'optimization'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Where the candles come from: the `candles` table over [from, to), or the CSV stored with the run. */
export type CandleSourceSpec =
  { kind: 'stored'; from: number; to: number } | { kind: 'csv'; rows: number; warnings: number };

export interface OptimizationSpec {
  method: 'grid' | 'random' | 'walk-forward';
  ranges: ParamRange[];
  objective: Objective;
  /** Random search (and walk-forward with random candidates): candidates to draw. */
  samples?: number;
  seed?: number;
  maxDrawdownCap?: number;
  /** Grid/random: share of bars in sample (the rest out of sample). */
  inSampleShare?: number;
  /** Walk-forward windows. */
  inSampleBars?: number;
  outOfSampleBars?: number;
  mode?: 'rolling' | 'anchored';
  /** Candidates per window in walk-forward: grid unless `samples` is given. */
  search?: 'grid' | 'random';
}

export interface StoredRunSpec {
  backtest: BacktestSpec;
  source: CandleSourceSpec;
  optimization?: OptimizationSpec;
}

export interface StoredTrade {
  side: 'LONG' | 'SHORT';
  quantity: number;
  entryTime: number;
  exitTime: number;
  entryPricePaise: number;
  exitPricePaise: number;
  grossPnlPaise: number;
  chargesPaise: number;
  pnlPaise: number;
  exitReason: string;
  bars: number;
}

export interface StoredEquityPoint {
  t: number;
  equityPaise: number;
  /** Fraction below the running peak, <= 0. */
  drawdown: number;
}

/** A score of -Infinity (no trades, over the drawdown cap, failed) is stored as null. */
export interface StoredCandidate {
  rank: number;
  params: Record<string, ParamValue>;
  inSample: number | null;
  outOfSample: number | null;
  degradation: number | null;
  error?: string;
}

export interface StoredWindow {
  inSample: [number, number];
  outOfSample: [number, number];
  best: Record<string, ParamValue> | null;
  inSampleScore: number | null;
  outOfSampleScore: number | null;
  outOfSampleMetrics: BacktestMetrics | null;
}

export type StoredOptimization =
  | { method: 'grid' | 'random'; candidates: StoredCandidate[] }
  | { method: 'walk-forward'; windows: StoredWindow[]; equity: StoredEquityPoint[] };

/** Outcomes of the create path that are the caller's fault: 400 with a code and, for CSV, the lines. */
export enum BacktestErrorCode {
  UnknownStrategy = 'UNKNOWN_STRATEGY_TYPE',
  InvalidParams = 'INVALID_PARAMS',
  InvalidCsv = 'INVALID_CSV',
  InvalidRange = 'INVALID_RANGE',
  NoCandleSource = 'NO_CANDLE_SOURCE',
  TooManyCandidates = 'TOO_MANY_CANDIDATES',
  NotCancellable = 'NOT_CANCELLABLE',
  NotReady = 'RESULT_NOT_READY',
  NoData = 'NO_CANDLES',
  TooManyBars = 'TOO_MANY_BARS',
  QueueUnavailable = 'QUEUE_UNAVAILABLE',
  /** Set by the worker's sweep: the run's queue job is gone or failed and the run stopped moving. */
  Stalled = 'STALLED',
}
