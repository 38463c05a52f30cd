/**
 * Parameter search over backtests: grid or seeded random candidates, scored by one objective, spread
 * over worker threads (optimizer-pool.ts). Two reports:
 * - `optimize`: every candidate scored in sample (the first `inSampleShare` of the bars) and out of sample
 *   (the rest, after warming up on the in-sample tail), ranked by the in-sample score, with the
 *   degradation IS -> OOS per candidate, so an over-fitted winner is visible.
 * - `walkForward`: rolling or anchored windows; optimise on each in-sample window, run the winner on
 *   the following out-of-sample window, and stitch the out-of-sample equity into one curve.
 * Both report progress (a fraction of all the backtests to run, never decreasing) and stop early when
 * `isCancelled()` turns true: no candidate or window starts after it, running ones stop at the engine's
 * next check, and the result holds only what was fully evaluated.
 */
import type { Candle } from '@/domain/market';
import type { BacktestSpec } from '@/backtest/backtest-spec';
import type { BacktestMetrics } from '@/backtest/metrics';
import { seededRandom } from '@/backtest/sample-data';
import { runPool, type EvalJob, type PoolHooks } from '@/backtest/optimizer-pool';

export type ParamValue = number | string | boolean;
export interface ParamRange {
  name: string;
  values?: ParamValue[];
  min?: number;
  max?: number;
  step?: number;
}
export type Objective = 'sharpe' | 'sortino' | 'calmar' | 'profitFactor' | 'returnUnderDrawdownCap';

export interface SearchOptions {
  ranges: ParamRange[];
  method: 'grid' | 'random';
  /** Random search: candidates to draw. */
  samples?: number;
  seed?: number;
  objective: Objective;
  /** For `returnUnderDrawdownCap`: candidates whose max drawdown exceeds it score -Infinity. */
  maxDrawdownCap?: number;
  workers?: number;
}

export interface SearchHooks {
  /** Share of the search's backtests done, 0..1, never decreasing; finer-grained when run inline. */
  onProgress?: (fraction: number) => void;
  /** Looked at between candidates and windows, and inside running backtests; true stops the search. */
  isCancelled?: () => boolean;
}

/** onProgress that only ever moves forward (workers finish out of order; inline jobs report within). */
function forwardOnly(onProgress?: (fraction: number) => void): (fraction: number) => void {
  let last = 0;
  return (f) => {
    const v = Math.min(1, f);
    if (onProgress && v > last) onProgress((last = v));
  };
}

/** Pool hooks mapping one pool's jobs onto [from, from + span) of the whole search's progress. */
function poolHooks(
  o: SearchHooks,
  report: (f: number) => void,
  from: number,
  span: number,
  jobs: number,
): PoolHooks {
  let done = 0;
  return {
    isCancelled: o.isCancelled,
    onJobDone: (d) => report(from + (span * (done = d)) / jobs),
    onJobProgress: (f) => report(from + (span * (done + f)) / jobs),
  };
}

export function valuesOf(r: ParamRange): ParamValue[] {
  if (r.values?.length) return r.values;
  if (r.min === undefined || r.max === undefined)
    throw new Error(`range '${r.name}' needs values or min/max`);
  const step = r.step ?? 1;
  const out: number[] = [];
  for (let v = r.min; v <= r.max + 1e-9; v += step) out.push(Math.round(v * 1e9) / 1e9);
  return out;
}

export function gridCandidates(ranges: ParamRange[]): Record<string, ParamValue>[] {
  let acc: Record<string, ParamValue>[] = [{}];
  for (const r of ranges) acc = acc.flatMap((c) => valuesOf(r).map((v) => ({ ...c, [r.name]: v })));
  return acc;
}

export function randomCandidates(
  ranges: ParamRange[],
  samples: number,
  seed = 1,
): Record<string, ParamValue>[] {
  const rnd = seededRandom(seed);
  const seen = new Set<string>();
  const out: Record<string, ParamValue>[] = [];
  for (let tries = 0; out.length < samples && tries < samples * 20; tries++) {
    const c: Record<string, ParamValue> = {};
    for (const r of ranges) {
      const vs = valuesOf(r);
      c[r.name] = vs[Math.floor(rnd() * vs.length)];
    }
    const key = JSON.stringify(c);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

export function score(m: BacktestMetrics | undefined, objective: Objective, cap = 0.2): number {
  if (!m || m.tradeCount === 0) return Number.NEGATIVE_INFINITY;
  const v =
    objective === 'returnUnderDrawdownCap' ? (m.maxDrawdown <= cap ? m.totalReturn : null) : m[objective];
  return v === null || !Number.isFinite(v) ? Number.NEGATIVE_INFINITY : v;
}

export interface RankedCandidate {
  rank: number;
  params: Record<string, ParamValue>;
  inSample: number;
  outOfSample: number;
  /** IS score - OOS score (positive = worse out of sample); null when either is undefined. */
  degradation: number | null;
  error?: string;
}

function candidatesOf(o: SearchOptions): Record<string, ParamValue>[] {
  return o.method === 'grid' ? gridCandidates(o.ranges) : randomCandidates(o.ranges, o.samples ?? 50, o.seed);
}

const degrade = (is: number, oos: number): number | null =>
  is > 0 && Number.isFinite(oos) ? 1 - oos / is : null;

export async function optimize(
  candles: readonly Candle[],
  base: BacktestSpec,
  o: SearchOptions & SearchHooks & { inSampleShare?: number; warmupBars?: number },
): Promise<RankedCandidate[]> {
  const split = Math.floor(candles.length * (o.inSampleShare ?? 0.7));
  const warm = Math.min(split, o.warmupBars ?? 500);
  const cands = candidatesOf(o);
  const jobs: EvalJob[] = cands.flatMap((params, i) => [
    {
      id: `${i}:is`,
      spec: { ...base, params: { ...base.params, ...params } },
      from: 0,
      to: split,
      startIndex: 0,
    },
    {
      id: `${i}:oos`,
      spec: { ...base, params: { ...base.params, ...params } },
      from: split - warm,
      to: candles.length,
      startIndex: warm,
    },
  ]);
  const report = forwardOnly(o.onProgress);
  const res = await runPool(candles, jobs, o.workers, poolHooks(o, report, 0, 1, jobs.length));
  const cap = o.maxDrawdownCap;
  const complete = (id: string): boolean => res.has(id) && !res.get(id)!.cancelled;
  return cands
    .map((params, i) => ({ params, i }))
    .filter(({ i }) => complete(`${i}:is`) && complete(`${i}:oos`))
    .map(({ params, i }) => {
      const is = res.get(`${i}:is`);
      const oos = res.get(`${i}:oos`);
      const inSample = score(is?.metrics, o.objective, cap);
      const outOfSample = score(oos?.metrics, o.objective, cap);
      return {
        rank: 0,
        params,
        inSample,
        outOfSample,
        degradation: degrade(inSample, outOfSample),
        error: is?.error ?? oos?.error,
      };
    })
    .sort((a, b) => b.inSample - a.inSample)
    .map((c, k) => ({ ...c, rank: k + 1 }));
}

export interface WalkForwardWindow {
  inSample: [number, number];
  outOfSample: [number, number];
  best: Record<string, ParamValue> | null;
  inSampleScore: number;
  outOfSampleScore: number;
  outOfSampleMetrics?: BacktestMetrics;
}

export interface WalkForwardResult {
  windows: WalkForwardWindow[];
  /** Stitched out-of-sample equity (paise), each window rebased onto the previous window's end. */
  equityTimes: number[];
  equity: number[];
}

export async function walkForward(
  candles: readonly Candle[],
  base: BacktestSpec,
  o: SearchOptions &
    SearchHooks & {
      inSampleBars: number;
      outOfSampleBars: number;
      mode: 'rolling' | 'anchored';
      warmupBars?: number;
    },
): Promise<WalkForwardResult> {
  const cands = candidatesOf(o);
  const windows: WalkForwardWindow[] = [];
  const eqT: number[] = [];
  const eq: number[] = [];
  let level = base.capitalPaise;
  const ends: number[] = [];
  for (let isEnd = o.inSampleBars; isEnd < candles.length; isEnd += o.outOfSampleBars) ends.push(isEnd);
  const report = forwardOnly(o.onProgress);
  // Each window is its candidates' in-sample runs and one out-of-sample run of the winner.
  const perWindow = 1 / ends.length;
  const isShare = cands.length / (cands.length + 1);
  const stopped = (): boolean => o.isCancelled?.() === true;
  for (const [wi, isEnd] of ends.entries()) {
    if (stopped()) break;
    const at = wi * perWindow;
    const isStart = o.mode === 'anchored' ? 0 : isEnd - o.inSampleBars;
    const oosEnd = Math.min(candles.length, isEnd + o.outOfSampleBars);
    const jobs: EvalJob[] = cands.map((params, i) => ({
      id: String(i),
      spec: { ...base, params: { ...base.params, ...params } },
      from: isStart,
      to: isEnd,
      startIndex: 0,
    }));
    const res = await runPool(
      candles,
      jobs,
      o.workers,
      poolHooks(o, report, at, perWindow * isShare, jobs.length),
    );
    if (stopped() || [...res.values()].some((r) => r.cancelled) || res.size < jobs.length) break;
    let bestI = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    cands.forEach((_, i) => {
      const s = score(res.get(String(i))?.metrics, o.objective, o.maxDrawdownCap);
      if (s > bestScore) {
        bestScore = s;
        bestI = i;
      }
    });
    const w: WalkForwardWindow = {
      inSample: [isStart, isEnd],
      outOfSample: [isEnd, oosEnd],
      best: bestI >= 0 ? cands[bestI] : null,
      inSampleScore: bestScore,
      outOfSampleScore: Number.NEGATIVE_INFINITY,
    };
    if (bestI >= 0) {
      const warm = Math.min(isEnd - isStart, o.warmupBars ?? 500);
      const oos = (
        await runPool(
          candles,
          [
            {
              id: 'oos',
              spec: { ...base, params: { ...base.params, ...cands[bestI] } },
              from: isEnd - warm,
              to: oosEnd,
              startIndex: warm,
              wantEquity: true,
            },
          ],
          1,
          poolHooks(o, report, at + perWindow * isShare, perWindow * (1 - isShare), 1),
        )
      ).get('oos');
      if (!oos || oos.cancelled) break;
      w.outOfSampleMetrics = oos.metrics;
      w.outOfSampleScore = score(oos.metrics, o.objective, o.maxDrawdownCap);
      const scale = level / base.capitalPaise;
      for (let k = 0; k < (oos.equity?.length ?? 0); k++) {
        eqT.push(oos.equityTimes![k]);
        eq.push(oos.equity![k] * scale);
      }
      if (eq.length) level = eq[eq.length - 1];
    }
    windows.push(w);
    report((wi + 1) * perWindow);
  }
  return { windows, equityTimes: eqT, equity: eq };
}
