/**
 * Runs backtest jobs over the CPU cores with worker_threads. The candles go to each worker once as
 * columns in SharedArrayBuffers (no per-job copying of a million objects); jobs are handed out one at a
 * time so a slow candidate never idles the other cores. With one worker or one job it runs inline.
 *
 * Cancellation: no job starts once `isCancelled()` is true, and the jobs already running stop at the
 * engine's next progress check (a shared flag the workers read), coming back as `cancelled`.
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
  /** Stopped by a cancellation before the end of its bars: no metrics. */
  cancelled?: boolean;
}

export interface PoolHooks {
  /** After each job that finished (cancelled ones excluded): how many of the pool's jobs are done. */
  onJobDone?: (done: number, total: number) => void;
  /** Inline runs only (workers report per job): progress through the running job, 0..1. */
  onJobProgress?: (fraction: number) => void;
  isCancelled?: () => boolean;
}

/** What a worker thread is started with: the candles and the cancel flag (Int32 0/1), both shared. */
export interface WorkerInput {
  candles: SharedCandles;
  cancel: SharedArrayBuffer;
}

/** How often the pool looks at `isCancelled` while jobs run in worker threads. */
const CANCEL_POLL_MS = 50;

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

export async function evaluate(
  candles: readonly Candle[],
  job: EvalJob,
  hooks: { isCancelled?: () => boolean; onProgress?: (fraction: number) => void } = {},
): Promise<EvalOutcome> {
  try {
    const { isCancelled, onProgress } = hooks;
    const out = await runSpec(candles.slice(job.from, job.to), job.spec, {
      startIndex: job.startIndex,
      isCancelled,
      // The engine also reports the end of a cancelled run as done; the pool reports finished jobs.
      ...(onProgress
        ? {
            onProgress: (d: number, t: number) => {
              if (d < t) onProgress(d / t);
            },
          }
        : {}),
    });
    if (!out.ok) return { id: job.id, error: `${out.code}: ${out.message}` };
    const r = out.result;
    if (r.cancelled) return { id: job.id, cancelled: true };
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
  hooks: PoolHooks = {},
): Promise<Map<string, EvalOutcome>> {
  const results = new Map<string, EvalOutcome>();
  const cancelled = hooks.isCancelled ?? (() => false);
  let done = 0;
  const finished = (r: EvalOutcome): void => {
    results.set(r.id, r);
    if (!r.cancelled) hooks.onJobDone?.(++done, jobs.length);
  };
  const count = Math.max(1, Math.min(workers, jobs.length));
  if (count === 1) {
    for (const j of jobs) {
      if (cancelled()) break;
      finished(await evaluate(candles, j, { isCancelled: cancelled, onProgress: hooks.onJobProgress }));
    }
    return results;
  }
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const input: WorkerInput = { candles: shareCandles(candles), cancel: flag.buffer };
  const poll = setInterval(() => {
    if (cancelled()) Atomics.store(flag, 0, 1);
  }, CANCEL_POLL_MS);
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
  try {
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve, reject) => {
            const w = new Worker(file, {
              workerData: input,
              execArgv,
              env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
            });
            const next = (): void => {
              if (cancelled()) Atomics.store(flag, 0, 1);
              const job = Atomics.load(flag, 0) === 1 ? undefined : queue.shift();
              if (job) w.postMessage(job);
              else void w.terminate().then(() => resolve());
            };
            w.on('message', (m: EvalOutcome | 'ready') => {
              if (m !== 'ready') finished(m);
              next();
            });
            w.on('error', reject);
          }),
      ),
    );
  } finally {
    clearInterval(poll);
  }
  return results;
}
