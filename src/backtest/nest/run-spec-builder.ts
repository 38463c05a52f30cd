/**
 * Turns a validated request body into the stored run spec, refusing what the worker could not run:
 * unknown strategy, parameters out of bounds (named), a bad CSV (line and reason), a missing or empty
 * date range, parameter ranges that are malformed or too large. Refusals are outcomes, not throws.
 */
import { rupeesToPaise } from '@/common/money';
import type { BacktestSpec } from '@/backtest/backtest-spec';
import { formatIssues, parseCandleCsv, type CandleIssue } from '@/backtest/csv-candles';
import { valuesOf, type ParamRange } from '@/backtest/optimizer';
import type { StrategyRegistry } from '@/strategies/registry';
import type { BacktestSettingsDto } from '@/backtest/backtests.dto';
import type { CreateOptimizationDto } from '@/backtest/optimizations.dto';
import { BacktestErrorCode, type OptimizationSpec, type StoredRunSpec } from '@/backtest/nest/run.types';

export const MAX_CANDIDATES = 500;
const MAX_RANGE_VALUES = 1000;

export interface Refusal {
  code: BacktestErrorCode;
  message: string;
  details?: unknown;
}

export type BuildOutcome =
  { ok: true; spec: StoredRunSpec; csv: string | null } | { ok: false; refusal: Refusal };

const refuse = (code: BacktestErrorCode, message: string, details?: unknown): BuildOutcome => ({
  ok: false,
  refusal: { code, message, details },
});

export function buildBacktestSpec(dto: BacktestSettingsDto, registry: StrategyRegistry): BuildOutcome {
  const made = registry.instantiate(dto.strategy, dto.params ?? {});
  if (!made.ok) {
    const code =
      made.code === 'UNKNOWN_STRATEGY_TYPE'
        ? BacktestErrorCode.UnknownStrategy
        : BacktestErrorCode.InvalidParams;
    return refuse(code, made.problems.map((p) => p.message).join('; '), made.problems);
  }
  const backtest: BacktestSpec = {
    symbol: dto.symbol,
    interval: dto.interval,
    strategy: dto.strategy,
    // Stored as given (not the resolved defaults) so a rerun after a default changes is visible as such.
    params: dto.params ?? {},
    capitalPaise: rupeesToPaise(dto.capital ?? '100000'),
    fees: dto.fees ?? 'india',
    ...(dto.product ? { product: dto.product } : {}),
    lotSize: dto.lotSize ?? 1,
    tickSizePaise: rupeesToPaise(dto.tickSize ?? '0.05'),
    fill: {
      at: dto.fillAt ?? 'open',
      slippageBps: dto.slippageBps ?? 0,
      slippageTicks: dto.slippageTicks ?? 0,
      maxVolumeShare: dto.maxVolumeShare ?? 1,
      remainder: dto.remainder ?? 'carry',
    },
    leverage: dto.leverage ?? 1,
    ...(dto.allowShort !== undefined ? { allowShort: dto.allowShort } : {}),
    squareOffTime: dto.squareOffTime === 'none' ? null : (dto.squareOffTime ?? '15:15'),
    seed: dto.seed ?? 1,
  };

  if (dto.csv !== undefined) {
    if (dto.from !== undefined || dto.to !== undefined)
      return refuse(BacktestErrorCode.NoCandleSource, 'give either csv or from/to, not both');
    const loaded = parseCandleCsv(dto.csv, {
      symbol: dto.symbol,
      interval: dto.interval,
      strict: dto.strict,
    });
    if (!loaded.ok) return refuse(BacktestErrorCode.InvalidCsv, csvMessage(loaded.errors), loaded.errors);
    return {
      ok: true,
      spec: {
        backtest,
        source: { kind: 'csv', rows: loaded.candles.length, warnings: loaded.warnings.length },
      },
      csv: dto.csv,
    };
  }
  if (dto.from === undefined || dto.to === undefined)
    return refuse(
      BacktestErrorCode.NoCandleSource,
      'from and to are required for stored candles (or send your own as csv)',
    );
  const from = Date.parse(dto.from);
  const to = Date.parse(dto.to);
  if (!(to > from)) return refuse(BacktestErrorCode.NoCandleSource, 'to must be later than from');
  return { ok: true, spec: { backtest, source: { kind: 'stored', from, to } }, csv: null };
}

/** The first few findings, each `line N: KIND: reason`, in the message; all of them in details. */
function csvMessage(errors: CandleIssue[]): string {
  const shown = errors.slice(0, 5);
  const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : '';
  return `CSV refused: ${formatIssues(shown).split('\n').join('; ')}${more}`;
}

export function buildOptimizationSpec(dto: CreateOptimizationDto, registry: StrategyRegistry): BuildOutcome {
  const base = buildBacktestSpec(dto, registry);
  if (!base.ok) return base;
  const ranges: ParamRange[] = dto.ranges.map((r) => ({
    name: r.name,
    ...(r.values ? { values: r.values } : {}),
    ...(r.min !== undefined ? { min: r.min } : {}),
    ...(r.max !== undefined ? { max: r.max } : {}),
    ...(r.step !== undefined ? { step: r.step } : {}),
  }));
  const checked = checkRanges(ranges, dto.strategy, dto.params ?? {}, registry);
  if (checked) return { ok: false, refusal: checked };

  const random = dto.method === 'random' || (dto.method === 'walk-forward' && dto.samples !== undefined);
  const count = random ? (dto.samples ?? 50) : ranges.reduce((n, r) => n * valuesOf(r).length, 1);
  if (count > MAX_CANDIDATES)
    return refuse(
      BacktestErrorCode.TooManyCandidates,
      `${count} candidates exceed the limit of ${MAX_CANDIDATES}; narrow the ranges or use random search`,
    );
  if (dto.method === 'walk-forward' && (dto.inSampleBars === undefined || dto.outOfSampleBars === undefined))
    return refuse(BacktestErrorCode.InvalidRange, 'walk-forward needs inSampleBars and outOfSampleBars');

  const optimization: OptimizationSpec = {
    method: dto.method,
    ranges,
    objective: dto.objective ?? 'sharpe',
    search: random ? 'random' : 'grid',
    ...(dto.samples !== undefined ? { samples: dto.samples } : {}),
    seed: dto.seed ?? 1,
    ...(dto.maxDrawdownCap !== undefined ? { maxDrawdownCap: dto.maxDrawdownCap } : {}),
    ...(dto.inSampleShare !== undefined ? { inSampleShare: dto.inSampleShare } : {}),
    ...(dto.inSampleBars !== undefined ? { inSampleBars: dto.inSampleBars } : {}),
    ...(dto.outOfSampleBars !== undefined ? { outOfSampleBars: dto.outOfSampleBars } : {}),
    mode: dto.mode ?? 'rolling',
  };
  return { ok: true, spec: { ...base.spec, optimization }, csv: base.csv };
}

/**
 * Each range must name a parameter of the strategy and every value must be within its bounds; a
 * cross-parameter rule (fast < slow) is left to the candidates, which then score as failed.
 */
function checkRanges(
  ranges: ParamRange[],
  strategy: string,
  params: Record<string, unknown>,
  registry: StrategyRegistry,
): Refusal | null {
  const seen = new Set<string>();
  for (const r of ranges) {
    if (seen.has(r.name))
      return { code: BacktestErrorCode.InvalidRange, message: `parameter '${r.name}' has two ranges` };
    seen.add(r.name);
    if (!r.values && (r.min === undefined || r.max === undefined))
      return {
        code: BacktestErrorCode.InvalidRange,
        message: `range '${r.name}' needs values or min and max`,
      };
    if (!r.values && r.max! < r.min!)
      return { code: BacktestErrorCode.InvalidRange, message: `range '${r.name}': max is below min` };
    if (!r.values && (r.max! - r.min!) / (r.step ?? 1) >= MAX_RANGE_VALUES)
      return {
        code: BacktestErrorCode.InvalidRange,
        message: `range '${r.name}' has more than ${MAX_RANGE_VALUES} values; use a larger step`,
      };
    for (const v of valuesOf(r)) {
      const made = registry.instantiate(strategy, { ...params, [r.name]: v });
      const own = made.ok ? [] : made.problems.filter((p) => p.param === r.name);
      if (own.length)
        return {
          code: BacktestErrorCode.InvalidParams,
          message: `range '${r.name}': ${own.map((p) => p.message).join('; ')}`,
          details: own,
        };
    }
  }
  return null;
}
