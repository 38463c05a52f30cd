/**
 * Runs backtest jobs over the CPU cores with worker_threads. The candles go to each worker once as
 * columns in SharedArrayBuffers (no per-job copying of a million objects); jobs are handed out one at a
 * time so a slow candidate never idles the other cores. With one worker or one job it runs inline.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Candle } from '@/domain/market';
import { runSpec, type BacktestSpec } from '@/backtest/backtest-spec';
import type { BacktestMetrics } from '@/backtest/metrics';

export interface EvalJob {
  id: string;
  spec: BacktestSpec;
  /** Candle index range [from, to); bars before from + startIndex only warm up. */
  from: number;
  to: number;
  startIndex: number;
  wantEquity?: boolean;
}

export interface EvalOutcome {
  id: string;
  metrics?: BacktestMetrics;
  equityTimes?: number[];
  equity?: number[];
  error?: string;
}

export interface SharedCandles {
  symbol: string;
  interval: Candle['interval'];
  cols: SharedArrayBuffer[]; // start, open, high, low, close, volume as Float64
}

export function shareCandles(candles: readonly Candle[]): SharedCandles {
  const n = candles.length;
  const cols = Array.from({ length: 6 }, () => new SharedArrayBuffer(n * 8));
  const v = cols.map((b) => new Float64Array(b));
  candles.forEach((c, i) => {
    v[0][i] = c.start;
    v[1][i] = c.openPaise;
    v[2][i] = c.highPaise;
    v[3][i] = c.lowPaise;
    v[4][i] = c.closePaise;
    v[5][i] = c.volume;
  });
  return { symbol: candles[0]?.symbol ?? '', interval: candles[0]?.interval ?? '1m', cols };
}

export function unshareCandles(s: SharedCandles): Candle[] {
  const v = s.cols.map((b) => new Float64Array(b));
  const out = new Array<Candle>(v[0].length);
  for (let i = 0; i < out.length; i++) {
    out[i] = {
      symbol: s.symbol,
      interval: s.interval,
      start: v[0][i],
      openPaise: v[1][i],
      highPaise: v[2][i],
      lowPaise: v[3][i],
      closePaise: v[4][i],
      volume: v[5][i],
      closed: true,
    };
  }
  return out;
}

export async function evaluate(candles: readonly Candle[], job: EvalJob): Promise<EvalOutcome> {
  try {
    const out = await runSpec(candles.slice(job.from, job.to), job.spec, { startIndex: job.startIndex });
    if (!out.ok) return { id: job.id, error: `${out.code}: ${out.message}` };
    const r = out.result;
    return {
      id: job.id,
      metrics: r.metrics,
      ...(job.wantEquity ? { equityTimes: Array.from(r.equityTimes), equity: Array.from(r.equity) } : {}),
    };
  } catch (err) {
    return { id: job.id, error: err instanceof Error ? err.message : String(err) };
  }
}

export async function runPool(
  candles: readonly Candle[],
  jobs: EvalJob[],
  workers = availableParallelism(),
): Promise<Map<string, EvalOutcome>> {
  const results = new Map<string, EvalOutcome>();
  const count = Math.max(1, Math.min(workers, jobs.length));
  if (count === 1) {
    for (const j of jobs) results.set(j.id, await evaluate(candles, j));
    return results;
  }
  const shared = shareCandles(candles);
  const queue = [...jobs];
  const ts = __filename.endsWith('.ts');
  const file = ts
    ? __filename.replace(/optimizer-pool\.ts$/, 'optimizer.worker.ts')
    : __filename.replace(/optimizer-pool\.js$/, 'optimizer.worker.js');
  const execArgv = ts
    ? [
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        '-r',
        require.resolve('tsconfig-paths/register'),
      ]
    : [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(file, {
            workerData: shared,
            execArgv,
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
          });
          const next = (): void => {
            const job = queue.shift();
            if (job) w.postMessage(job);
            else void w.terminate().then(() => resolve());
          };
          w.on('message', (m: EvalOutcome | 'ready') => {
            if (m !== 'ready') results.set(m.id, m);
            next();
          });
          w.on('error', reject);
        }),
    ),
  );
  return results;
}
