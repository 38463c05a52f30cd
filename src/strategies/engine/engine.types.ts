import type { Candle, Interval } from '@/domain/market';
import type { Strategy } from '@/strategies/strategy.contract';
import type { AggregationMode } from './aggregation';
import type { InstanceMetricsSnapshot } from './instance-metrics';

export type InstanceStatus = 'STOPPED' | 'STARTING' | 'RUNNING' | 'ERRORED';

export interface InstanceConfig {
  /** Instance id; also `Signal.strategyId` for an instance outside any group. */
  id: string;
  /** A strategy built through `StrategyRegistry.instantiate` (validated params). */
  strategy: Strategy;
  symbols: readonly string[];
  timeframe: Interval;
  /** Aggregation group id; the group's decision, not the member's vote, reaches the executor. */
  group?: string;
  /** Weight in a `weighted` group (default 1). */
  weight?: number;
}

export interface GroupConfig {
  /** Group id; also `Signal.strategyId` of the group's aggregated signals and owner of its positions. */
  id: string;
  mode: Exclude<AggregationMode, 'independent'>;
  /** For `weighted`: the net weighted score (share of total weight) needed to act; default 0.5. */
  threshold?: number;
}

/** Stored candles for warm-up, newest last; `before` is exclusive (epoch ms UTC). */
export interface HistoryProvider {
  loadCandles(symbol: string, interval: Interval, count: number, before: number): Promise<Candle[]>;
}

export interface EngineLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface InstanceView {
  id: string;
  typeId: string;
  status: InstanceStatus;
  error: string | null;
  symbols: readonly string[];
  timeframe: Interval;
  timeframes: Interval[];
  group: string | null;
  metrics: InstanceMetricsSnapshot;
}
