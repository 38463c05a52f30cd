import type { Candle, Interval } from '@/domain/market';
import type { BacktestRunEntity } from '@/backtest/backtest-run.entity';
import { sampleCandles } from '@/backtest/sample-data';
import { StoredCandles } from '@/backtest/nest/candle-source';
import { RunExecutor, type RunStorePort } from '@/backtest/nest/run-executor';
import type { RunResults } from '@/backtest/nest/run-store';
import type { RunStatus, StoredRunSpec } from '@/backtest/nest/run.types';

const SPEC: StoredRunSpec = {
  backtest: {
    symbol: 'NSE:SBIN-EQ',
    interval: '1m',
    strategy: 'sma-crossover',
    params: { fast: 5, slow: 20 },
    capitalPaise: 10_000_000,
    fees: 'none',
  },
  source: { kind: 'stored', from: 0, to: 1e13 },
};

/** An in-memory run table with the store's conditional transitions. */
class FakeStore implements RunStorePort {
  status: RunStatus = 'queued';
  progressWrites: number[] = [];
  results: RunResults | null = null;
  failure: { code: string; message: string } | null = null;
  /** Called on each progress write: lets a spec cancel mid-run, as the API would. */
  onProgress?: (n: number) => void;

  constructor(private readonly spec: StoredRunSpec = SPEC) {}

  get(id: string) {
    return Promise.resolve({ id, spec: this.spec, inputCsv: null, status: this.status } as BacktestRunEntity);
  }
  claim() {
    const ok = this.status === 'queued' || this.status === 'running';
    if (ok) this.status = 'running';
    return Promise.resolve(ok);
  }
  progress(_id: string, p: number) {
    if (this.status !== 'running') return Promise.resolve(false);
    this.progressWrites.push(p);
    this.onProgress?.(this.progressWrites.length);
    return Promise.resolve(true);
  }
  isRunning() {
    return Promise.resolve(this.status === 'running');
  }
  complete(_id: string, r: RunResults) {
    if (this.status !== 'running') return Promise.resolve(false);
    this.status = 'completed';
    this.results = r;
    return Promise.resolve(true);
  }
  fail(_id: string, code: string, message: string) {
    if (this.status !== 'running' && this.status !== 'queued') return Promise.resolve(false);
    this.status = 'failed';
    this.failure = { code, message };
    return Promise.resolve(true);
  }
}

class FakeCandles extends StoredCandles {
  calls: { symbol: string; interval: Interval; limit: number }[] = [];
  constructor(private readonly candles: Candle[]) {
    super();
  }
  range(symbol: string, interval: Interval, _from: number, _to: number, limit: number) {
    this.calls.push({ symbol, interval, limit });
    return Promise.resolve(this.candles.slice(0, limit));
  }
}

const executor = (store: FakeStore, candles: Candle[], maxBars = 1_000_000) =>
  new RunExecutor({ store, candles: new FakeCandles(candles), workers: 1, maxBars, progressEveryMs: 0 });

describe('RunExecutor', () => {
  const big = sampleCandles({ bars: 300_000, seed: 7, shape: 'cycle' });

  it('completes a stored-candle run with metrics, trades, sampled equity and the report', async () => {
    const store = new FakeStore();
    const candles = big.slice(0, 3000);
    await expect(executor(store, candles).execute('r1')).resolves.toBe('completed');
    const r = store.results!;
    expect(r.metrics!.tradeCount).toBe(r.trades!.length);
    expect(r.trades!.length).toBeGreaterThan(0);
    expect(r.equity).toHaveLength(3000);
    expect(r.equity![2999].equityPaise).toBe(r.metrics!.finalEquityPaise);
    expect(r.reportHtml).toContain('<svg id="equity-chart"');
  });

  it('stops a running backtest when the run is cancelled and writes no results', async () => {
    const store = new FakeStore();
    // The API flips the status while the engine is between its progress reports.
    store.onProgress = (n) => {
      if (n === 1) store.status = 'cancelled';
    };
    await expect(executor(store, big).execute('r2')).resolves.toBe('cancelled');
    expect(store.progressWrites).toHaveLength(1);
    expect(store.progressWrites[0]).toBeLessThan(0.5);
    expect(store.results).toBeNull();
    expect(store.status).toBe('cancelled');
  });

  it('reports progress as it goes on a long run', async () => {
    const store = new FakeStore();
    await expect(executor(store, big).execute('r3')).resolves.toBe('completed');
    expect(store.progressWrites.length).toBeGreaterThanOrEqual(4);
    expect([...store.progressWrites].sort((a, b) => a - b)).toEqual(store.progressWrites);
    expect(store.results!.equity!.length).toBeLessThanOrEqual(5000);
  });

  it('skips a run that was cancelled before the worker took it (safe to run twice)', async () => {
    const store = new FakeStore();
    store.status = 'cancelled';
    const candles = new FakeCandles(big);
    const ex = new RunExecutor({ store, candles, workers: 1, maxBars: 10 });
    await expect(ex.execute('r4')).resolves.toBe('skipped');
    expect(candles.calls).toEqual([]);
    store.status = 'completed';
    await expect(ex.execute('r4')).resolves.toBe('skipped');
  });

  it('fails with NO_CANDLES for an empty range and TOO_MANY_BARS above the limit', async () => {
    const empty = new FakeStore();
    await expect(executor(empty, []).execute('r5')).resolves.toBe('failed');
    expect(empty.failure!.code).toBe('NO_CANDLES');
    const tooMany = new FakeStore();
    await expect(executor(tooMany, big.slice(0, 101), 100).execute('r6')).resolves.toBe('failed');
    expect(tooMany.failure).toMatchObject({ code: 'TOO_MANY_BARS' });
  });

  it('fails with the engine’s code when the parameters no longer validate', async () => {
    const store = new FakeStore({ ...SPEC, backtest: { ...SPEC.backtest, params: { fast: 0 } } });
    await expect(executor(store, big.slice(0, 100)).execute('r7')).resolves.toBe('failed');
    expect(store.failure).toMatchObject({ code: 'INVALID_PARAMS' });
    expect(store.failure!.message).toContain('fast');
  });

  describe('optimisations', () => {
    const OPT: StoredRunSpec = {
      ...SPEC,
      optimization: {
        method: 'grid',
        ranges: [
          { name: 'fast', values: [5, 10, 15] },
          { name: 'slow', values: [30, 40, 50] },
        ],
        objective: 'sharpe',
      },
    };
    const strictlyIncreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);

    it('writes progress between candidates, only ever forward, and stores the ranking', async () => {
      const store = new FakeStore(OPT);
      await expect(executor(store, big.slice(0, 3000)).execute('o1')).resolves.toBe('completed');
      expect(store.progressWrites.length).toBeGreaterThanOrEqual(9);
      expect(strictlyIncreasing(store.progressWrites)).toBe(true);
      expect(store.progressWrites[0]).toBeGreaterThan(0);
      const opt = store.results!.optimization!;
      expect(opt.method === 'grid' && opt.candidates).toHaveLength(9);
    });

    it('stops evaluating candidates once the run is cancelled and stores nothing', async () => {
      const store = new FakeStore(OPT);
      store.onProgress = (n) => {
        if (n === 2) store.status = 'cancelled';
      };
      await expect(executor(store, big.slice(0, 3000)).execute('o2')).resolves.toBe('cancelled');
      // Two writes accepted, the third refused: the other 15 of the grid's 18 backtests never ran.
      expect(store.progressWrites).toHaveLength(2);
      expect(store.progressWrites[1]).toBeLessThan(0.2);
      expect(store.results).toBeNull();
    });

    it('stops walk-forward between windows when cancelled', async () => {
      const store = new FakeStore({
        ...OPT,
        optimization: {
          ...OPT.optimization!,
          method: 'walk-forward',
          inSampleBars: 1000,
          outOfSampleBars: 500,
        },
      });
      store.onProgress = (n) => {
        if (n === 1) store.status = 'cancelled';
      };
      await expect(executor(store, big.slice(0, 3000)).execute('o3')).resolves.toBe('cancelled');
      expect(store.progressWrites).toHaveLength(1);
      expect(store.progressWrites[0]).toBeLessThan(0.25);
      expect(store.results).toBeNull();
    });
  });
});
