/** One running strategy instance (or aggregation group): its context, positions, metrics and status. */
import type { Clock } from '@/common/clock';
import type { Candle, Interval } from '@/domain/market';
import type {
  IndicatorKit,
  PortfolioView,
  SignalInput,
  Strategy,
  StrategyContext,
  StrategyPosition,
} from '@/strategies/strategy.contract';
import type { Vote } from './aggregation';
import type { GroupConfig, InstanceConfig, InstanceStatus, InstanceView } from './engine.types';
import { InstanceMetrics, type InstanceMetricsSnapshot } from './instance-metrics';
import { PositionBook } from './position-book';

/** Anything that owns positions and receives signals' fills: an instance, or a group. */
export class Owner {
  readonly book = new PositionBook();
  metrics = new InstanceMetrics();

  constructor(readonly id: string) {}

  snapshot(price: (symbol: string) => number | undefined): InstanceMetricsSnapshot {
    return this.metrics.snapshot(
      this.book.realisedPnlPaise,
      this.book.unrealisedPaise(price),
      this.book.chargesPaise,
    );
  }
}

/** An aggregation group: owns the positions its decisions open, collects its members' votes per symbol. */
export class GroupOwner extends Owner {
  readonly votes = new Map<string, Vote[]>();

  constructor(readonly config: GroupConfig) {
    super(config.id);
  }
}

export interface RuntimeDeps {
  clock: Clock;
  portfolio: PortfolioView;
  indicators: IndicatorKit;
  emit(rt: Runtime, signal: SignalInput): void;
  log(rt: Runtime, message: string): void;
}

export class Runtime extends Owner {
  status: InstanceStatus = 'STOPPED';
  error: string | null = null;
  warmingUp = false;
  readonly strategy: Strategy;
  readonly timeframes: Interval[];
  readonly ctx: StrategyContext;
  /** Live candles that arrived during warm-up, replayed once it ends. */
  queued: Candle[] = [];
  lastHistoryStart = new Map<string, number>();

  constructor(
    readonly config: InstanceConfig,
    readonly group: GroupOwner | null,
    deps: RuntimeDeps,
  ) {
    super(config.id);
    this.strategy = config.strategy;
    const tfs = this.strategy.timeframes(config.timeframe);
    this.timeframes = tfs.includes(config.timeframe) ? tfs : [config.timeframe, ...tfs];
    // One context object per instance, built once: the hot path allocates nothing for it.
    const positions = group ? group.book : this.book;
    const isWarmingUp = (): boolean => this.warmingUp;
    this.ctx = {
      instanceId: config.id,
      params: this.strategy.params,
      symbols: config.symbols,
      timeframe: config.timeframe,
      clock: deps.clock,
      indicators: deps.indicators,
      portfolio: deps.portfolio,
      get warmingUp() {
        return isWarmingUp();
      },
      position: (symbol: string): StrategyPosition => positions.position(symbol),
      emit: (signal: SignalInput) => deps.emit(this, signal),
      log: (message: string) => deps.log(this, message),
    };
  }

  /** A restart keeps positions (they are real) but clears the error and the warm-up queue. */
  reset(): void {
    this.error = null;
    this.queued = [];
    this.lastHistoryStart = new Map();
  }

  view(price: (symbol: string) => number | undefined): InstanceView {
    return {
      id: this.id,
      typeId: this.strategy.id,
      status: this.status,
      error: this.error,
      symbols: this.config.symbols,
      timeframe: this.config.timeframe,
      timeframes: this.timeframes,
      group: this.config.group ?? null,
      metrics: this.snapshot(price),
    };
  }
}
