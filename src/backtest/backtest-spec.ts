/**
 * A backtest described as plain data (what the CLI, the optimiser workers and the API queue share), and
 * the JSON form of its result. Money in the spec is paise; the JSON result shows rupees for people.
 */
import type { Candle, InstrumentType, Interval, ProductType } from '@/domain/market';
import type { SizingMethod } from '@/risk/position-sizer';
import { StrategyRegistry } from '@/strategies/registry';
import type { BacktestResult } from '@/backtest/backtest.types';
import { IndianCharges, NoCharges } from '@/backtest/charges';
import { runBacktest } from '@/backtest/engine';
import type { FillOptions } from '@/backtest/fill-model';

export interface BacktestSpec {
  symbol: string;
  interval: Interval;
  strategy: string;
  params: Record<string, unknown>;
  capitalPaise: number;
  fees: 'india' | 'none';
  product?: ProductType;
  instrumentType?: InstrumentType;
  lotSize?: number;
  tickSizePaise?: number;
  fill?: Partial<FillOptions>;
  sizing?: SizingMethod | { kind: 'EQUITY_FRACTION'; fraction: number };
  leverage?: number;
  allowShort?: boolean;
  squareOffTime?: string | null;
  seed?: number;
  riskFreeRate?: number;
}

export type SpecOutcome =
  | { ok: true; result: BacktestResult }
  | { ok: false; code: 'UNKNOWN_STRATEGY_TYPE' | 'INVALID_PARAMS'; message: string };

let registry: StrategyRegistry | undefined;
/** The built-in registry, or one the caller loaded with user strategies. */
export function useRegistry(r?: StrategyRegistry): StrategyRegistry {
  if (r) registry = r;
  registry ??= StrategyRegistry.withBuiltins();
  return registry;
}

export function instrumentTypeOf(symbol: string): InstrumentType {
  const ts = symbol.split(':')[1] ?? symbol;
  if (/FUT$/.test(ts)) return symbol.startsWith('MCX:') ? 'FUTCOM' : 'FUTSTK';
  if (/(CE|PE)$/.test(ts) && /\d/.test(ts)) return 'OPTSTK';
  return 'EQ';
}

export async function runSpec(
  candles: readonly Candle[],
  spec: BacktestSpec,
  hooks: {
    startIndex?: number;
    onProgress?: (d: number, t: number) => void | Promise<void>;
    isCancelled?: () => boolean;
  } = {},
): Promise<SpecOutcome> {
  const made = useRegistry().instantiate(spec.strategy, spec.params);
  if (!made.ok)
    return { ok: false, code: made.code, message: made.problems.map((p) => p.message).join('; ') };
  const instrumentType = spec.instrumentType ?? instrumentTypeOf(spec.symbol);
  const product =
    spec.product ??
    (instrumentType === 'EQ' ? (spec.interval === '1d' ? 'DELIVERY' : 'INTRADAY') : 'CARRYFORWARD');
  const result = await runBacktest(candles, {
    instrument: {
      symbol: spec.symbol,
      instrumentType,
      lotSize: spec.lotSize ?? 1,
      tickSizePaise: spec.tickSizePaise ?? 5,
    },
    interval: spec.interval,
    strategy: made.strategy,
    capitalPaise: spec.capitalPaise,
    product,
    fill: spec.fill,
    charges: spec.fees === 'none' ? new NoCharges() : new IndianCharges(),
    sizing: spec.sizing,
    leverage: spec.leverage,
    allowShort: spec.allowShort ?? made.params.allowShort === true,
    squareOffTime: spec.squareOffTime,
    seed: spec.seed,
    riskFreeRate: spec.riskFreeRate,
    ...hooks,
  });
  return { ok: true, result };
}
