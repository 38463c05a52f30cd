export { AGGREGATION_MODES, aggregateVotes, type AggregationMode } from './aggregation';
export type {
  EngineLogger,
  GroupConfig,
  HistoryProvider,
  InstanceConfig,
  InstanceStatus,
  InstanceView,
} from './engine.types';
export type { InstanceMetricsSnapshot } from './instance-metrics';
export { PositionBook, type ClosedTrade } from './position-book';
export { bucketStart, CandleResampler, INTERVAL_MS } from './resampler';
export { StrategyEngine, type StrategyEngineOptions } from './strategy-engine';
