/** Inputs and outputs of one backtest run. Money is integer paise; times are epoch ms UTC. */
import type { Paise } from '@/common/money';
import type { OrderIntent, RiskOutcome, Signal } from '@/domain/execution';
import type { InstrumentType, Interval, ProductType } from '@/domain/market';
import type { SizingMethod } from '@/risk/position-sizer';
import type { Strategy, SignalExecutor } from '@/strategies/strategy.contract';
import type { BacktestAccountView, SimulatedFillSink } from '@/backtest/backtest-executor';
import type { BacktestTrade } from '@/backtest/book';
import type { ChargesModel } from '@/backtest/charges';
import type { FillOptions } from '@/backtest/fill-model';
import type { BacktestMetrics } from '@/backtest/metrics';

export interface BacktestInstrument {
  symbol: string;
  instrumentType: InstrumentType;
  lotSize: number;
  tickSizePaise: Paise;
}

export interface ExecutorDeps {
  sink: SimulatedFillSink;
  account: BacktestAccountView;
  instrument: BacktestInstrument;
  product: ProductType;
}

export interface BacktestOptions {
  instrument: BacktestInstrument;
  interval: Interval;
  /** A constructed strategy (params already validated), run unchanged. */
  strategy: Strategy<object>;
  strategyId?: string;
  capitalPaise: Paise;
  product: ProductType;
  fill?: Partial<FillOptions>;
  /** Defaults to no charges; pass `new IndianCharges()` for the config file's rates. */
  charges?: ChargesModel;
  /** Default: the whole equity (`EQUITY_FRACTION` 1). */
  sizing?: SizingMethod | { kind: 'EQUITY_FRACTION'; fraction: number };
  leverage?: number;
  allowShort?: boolean;
  riskCheck?: (intent: OrderIntent) => RiskOutcome;
  /** Replace the default executor (e.g. with the live signal executor wired to the simulated sink). */
  executor?: (deps: ExecutorDeps) => SignalExecutor;
  /** `HH:MM` IST: INTRADAY positions are squared off at the first bar closing at or after it, and entries stop. Null disables. */
  squareOffTime?: string | null;
  /** Bars before this index only warm the strategy up (signals dropped, no fills, not in the results). */
  startIndex?: number;
  /** Recorded with the run; the engine itself draws no random numbers, so equal inputs give equal results. */
  seed?: number;
  riskFreeRate?: number;
  onProgress?: (done: number, total: number) => void | Promise<void>;
  isCancelled?: () => boolean;
}

export interface RefusedSignal {
  time: number;
  signal: Pick<Signal, 'side' | 'reason' | 'intent'>;
  reason: string;
}

export interface BacktestResult {
  symbol: string;
  interval: Interval;
  strategyId: string;
  params: object;
  capitalPaise: Paise;
  startTime: number;
  endTime: number;
  bars: number;
  trades: BacktestTrade[];
  /** Per bar (from startIndex): bar close time and account equity at the close, in paise. */
  equityTimes: Float64Array;
  equity: Float64Array;
  metrics: BacktestMetrics;
  refusals: RefusedSignal[];
  cancelled: boolean;
}
