/**
 * What the `backtests` queue's worker does with one run: claim it, load its candles (stored or the
 * user's CSV), run the backtest or the optimisation, write progress as it goes, and store the results.
 * Cancellation is a status change made by the API; the worker notices it through its progress writes
 * and a short poll, stops the engine (or the optimiser, between candidates and inside running ones)
 * through `isCancelled`, and writes nothing more. Safe to run twice: a run that is no longer queued or
 * running is skipped, and every final write is conditional.
 */
import type { Candle } from '@/domain/market';
import { runSpec, useRegistry } from '@/backtest/backtest-spec';
import { parseCandleCsv } from '@/backtest/csv-candles';
import { optimize, walkForward, type SearchHooks } from '@/backtest/optimizer';
import { ProgressWriter } from '@/backtest/nest/progress-writer';
import { renderReport } from '@/backtest/report';
import type { StoredCandles } from '@/backtest/nest/candle-source';
import { sampleEquity, storedRanking, storedTrades, storedWalkForward } from '@/backtest/nest/run-results';
import type { RunStore } from '@/backtest/nest/run-store';
import { BacktestErrorCode, type StoredRunSpec } from '@/backtest/nest/run.types';

export type RunStorePort = Pick<RunStore, 'get' | 'claim' | 'progress' | 'isRunning' | 'complete' | 'fail'>;

export interface RunExecutorOptions {
  store: RunStorePort;
  candles: StoredCandles;
  /** Optimiser worker threads (1 = inline). */
  workers: number;
  /** Refuse stored ranges longer than this many bars (memory). */
  maxBars: number;
  /** How often to look for a cancellation between progress reports. */
  pollMs?: number;
  /** Least time between progress writes. */
  progressEveryMs?: number;
  onError?: (runId: string, err: unknown) => void;
}

export type RunOutcome = 'completed' | 'failed' | 'cancelled' | 'skipped';

type Loaded = { ok: true; candles: Candle[] } | { ok: false; code: BacktestErrorCode; message: string };

export class RunExecutor {
  constructor(private readonly o: RunExecutorOptions) {}

  async execute(runId: string): Promise<RunOutcome> {
    const { store } = this.o;
    if (!(await store.claim(runId))) return 'skipped';
    let cancelled = false;
    const poll = setInterval(() => {
      void store.isRunning(runId).then(
        (running) => {
          if (!running) cancelled = true;
        },
        () => undefined,
      );
    }, this.o.pollMs ?? 500);
    poll.unref();
    try {
      const run = await store.get(runId, ['inputCsv']);
      if (!run) return 'skipped';
      const loaded = await this.load(run.spec, run.inputCsv);
      if (!loaded.ok) return (await store.fail(runId, loaded.code, loaded.message)) ? 'failed' : 'cancelled';
      if (cancelled) return 'cancelled';
      const spec = run.spec;
      const wfBars = spec.optimization?.method === 'walk-forward' ? spec.optimization.inSampleBars! : 0;
      if (loaded.candles.length <= wfBars) {
        const message = `walk-forward needs more than inSampleBars (${wfBars}) bars; the range has ${loaded.candles.length}`;
        return (await store.fail(runId, BacktestErrorCode.InvalidRange, message)) ? 'failed' : 'cancelled';
      }
      if (spec.optimization) {
        const progress = new ProgressWriter((p) => store.progress(runId, p), this.o.progressEveryMs ?? 250);
        const results = await this.optimise(loaded.candles, spec, {
          onProgress: (f) => progress.report(f),
          isCancelled: () => cancelled || progress.refused,
        });
        await progress.flush();
        if (progress.refused) cancelled = true;
        return !cancelled && (await store.complete(runId, results)) ? 'completed' : 'cancelled';
      }
      let lastWrite = 0;
      const every = this.o.progressEveryMs ?? 250;
      const out = await runSpec(loaded.candles, spec.backtest, {
        onProgress: async (done, total) => {
          const now = Date.now();
          if (done < total && now - lastWrite < every) return;
          lastWrite = now;
          if (!(await store.progress(runId, total ? done / total : 1))) cancelled = true;
        },
        isCancelled: () => cancelled,
      });
      if (!out.ok) return (await store.fail(runId, out.code, out.message)) ? 'failed' : 'cancelled';
      const r = out.result;
      if (cancelled || r.cancelled) return 'cancelled';
      const done = await store.complete(runId, {
        metrics: r.metrics,
        trades: storedTrades(r),
        equity: sampleEquity(r.equityTimes, r.equity, r.capitalPaise),
        reportHtml: renderReport(r),
      });
      return done ? 'completed' : 'cancelled';
    } catch (err) {
      this.o.onError?.(runId, err);
      const message = err instanceof Error ? err.message : String(err);
      return (await store.fail(runId, 'INTERNAL_ERROR', `backtest failed: ${message}`))
        ? 'failed'
        : 'cancelled';
    } finally {
      clearInterval(poll);
    }
  }

  private async load(spec: StoredRunSpec, csv: string | null): Promise<Loaded> {
    const b = spec.backtest;
    if (spec.source.kind === 'csv') {
      if (csv === null)
        return { ok: false, code: BacktestErrorCode.NoData, message: 'the run has no CSV stored' };
      const parsed = parseCandleCsv(csv, { symbol: b.symbol, interval: b.interval });
      if (!parsed.ok)
        return {
          ok: false,
          code: BacktestErrorCode.InvalidCsv,
          message: parsed.errors[0]?.message ?? 'bad CSV',
        };
      return { ok: true, candles: parsed.candles };
    }
    const { from, to } = spec.source;
    const candles = await this.o.candles.range(b.symbol, b.interval, from, to, this.o.maxBars + 1);
    if (candles.length === 0)
      return {
        ok: false,
        code: BacktestErrorCode.NoData,
        message: `no stored ${b.interval} candles for ${b.symbol} between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}`,
      };
    if (candles.length > this.o.maxBars)
      return {
        ok: false,
        code: BacktestErrorCode.TooManyBars,
        message: `more than ${this.o.maxBars} bars in the range; split it or use a longer interval`,
      };
    return { ok: true, candles };
  }

  private async optimise(candles: Candle[], spec: StoredRunSpec, hooks: SearchHooks) {
    const o = spec.optimization!;
    const search = {
      ...hooks,
      ranges: o.ranges,
      method: o.search ?? (o.method === 'random' ? 'random' : 'grid'),
      samples: o.samples,
      seed: o.seed,
      objective: o.objective,
      maxDrawdownCap: o.maxDrawdownCap,
      // Worker threads load the built-in registry only; a user strategy is searched inline.
      workers: useRegistry().info(spec.backtest.strategy)?.source === 'user' ? 1 : this.o.workers,
    } as const;
    if (o.method === 'walk-forward') {
      const wf = await walkForward(candles, spec.backtest, {
        ...search,
        inSampleBars: o.inSampleBars!,
        outOfSampleBars: o.outOfSampleBars!,
        mode: o.mode ?? 'rolling',
      });
      return { metrics: null, optimization: storedWalkForward(wf, candles, spec.backtest.capitalPaise) };
    }
    const ranked = await optimize(candles, spec.backtest, { ...search, inSampleShare: o.inSampleShare });
    return {
      metrics: null,
      optimization: { method: o.method, candidates: storedRanking(ranked) },
    };
  }
}
