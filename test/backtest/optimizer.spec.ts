import { gridCandidates, optimize, randomCandidates, score, walkForward } from '@/backtest/optimizer';
import { sampleCandles } from '@/backtest/sample-data';
import type { BacktestSpec } from '@/backtest/backtest-spec';

const base: BacktestSpec = {
  symbol: 'NSE:SBIN-EQ',
  interval: '1m',
  strategy: 'sma-crossover',
  params: {},
  capitalPaise: 100_000_00,
  fees: 'none',
  product: 'DELIVERY',
};
const candles = sampleCandles({ bars: 20_000, seed: 5, shape: 'cycle' });
const rolling: Parameters<typeof walkForward>[2] = {
  ranges: [{ name: 'fast', values: [10, 20] }],
  method: 'grid',
  objective: 'sharpe',
  inSampleBars: 8000,
  outOfSampleBars: 4000,
  mode: 'rolling',
  workers: 1,
};

describe('optimiser', () => {
  it('builds grids and seeded random candidates', () => {
    expect(
      gridCandidates([
        { name: 'fast', values: [5, 10] },
        { name: 'slow', min: 30, max: 50, step: 10 },
      ]),
    ).toHaveLength(6);
    const a = randomCandidates(
      [
        { name: 'fast', min: 2, max: 40 },
        { name: 'slow', min: 50, max: 200 },
      ],
      10,
      7,
    );
    expect(a).toEqual(
      randomCandidates(
        [
          { name: 'fast', min: 2, max: 40 },
          { name: 'slow', min: 50, max: 200 },
        ],
        10,
        7,
      ),
    );
    expect(new Set(a.map((c) => JSON.stringify(c))).size).toBe(10);
  });

  it('scores return under a drawdown cap as -Infinity above the cap', () => {
    const m = { tradeCount: 3, totalReturn: 0.1, maxDrawdown: 0.3 } as never;
    expect(score(m, 'returnUnderDrawdownCap', 0.2)).toBe(Number.NEGATIVE_INFINITY);
    expect(score(m, 'returnUnderDrawdownCap', 0.5)).toBe(0.1);
  });

  it('ranks candidates by in-sample score with IS -> OOS degradation, on two worker threads', async () => {
    const ranked = await optimize(candles, base, {
      ranges: [
        { name: 'fast', values: [10, 20] },
        { name: 'slow', values: [50, 100] },
      ],
      method: 'grid',
      objective: 'sharpe',
      workers: 2,
    });
    expect(ranked).toHaveLength(4);
    expect(ranked.every((c) => !c.error)).toBe(true);
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i - 1].inSample).toBeGreaterThanOrEqual(ranked[i].inSample);
    const inline = await optimize(candles, base, {
      ranges: [
        { name: 'fast', values: [10, 20] },
        { name: 'slow', values: [50, 100] },
      ],
      method: 'grid',
      objective: 'sharpe',
      workers: 1,
    });
    expect(inline).toEqual(ranked);
  });

  it('walks forward over rolling windows and stitches out-of-sample equity', async () => {
    const wf = await walkForward(candles, base, rolling);
    expect(wf.windows.map((w) => w.outOfSample)).toEqual([
      [8000, 12000],
      [12000, 16000],
      [16000, 20000],
    ]);
    expect(wf.equity).toHaveLength(12_000);
    for (let i = 1; i < wf.equityTimes.length; i++)
      expect(wf.equityTimes[i]).toBeGreaterThan(wf.equityTimes[i - 1]);
  });

  describe('progress and cancellation', () => {
    const grid = [
      { name: 'fast', values: [5, 10, 15] },
      { name: 'slow', values: [40, 60, 80] },
    ];
    const short = candles.slice(0, 6000);
    const increasing = (xs: number[]) => xs.every((x, i) => x > 0 && x <= 1 && (i === 0 || x > xs[i - 1]));

    it('reports progress that only moves forward and ends at 1', async () => {
      const seen: number[] = [];
      const ranked = await optimize(short, base, {
        ranges: grid,
        method: 'grid',
        objective: 'sharpe',
        workers: 1,
        onProgress: (f) => seen.push(f),
      });
      expect(ranked).toHaveLength(9);
      expect(seen.length).toBeGreaterThanOrEqual(18);
      expect(increasing(seen)).toBe(true);
      expect(seen[seen.length - 1]).toBe(1);
    });

    it.each([1, 2])('stops a cancelled search early, with %i worker(s)', async (workers) => {
      const seen: number[] = [];
      const ranked = await optimize(short, base, {
        ranges: grid,
        method: 'grid',
        objective: 'sharpe',
        workers,
        onProgress: (f) => seen.push(f),
        isCancelled: () => seen.length >= 3,
      });
      // At most the candidates whose two runs finished before the cancel, never the whole grid.
      expect(ranked.length).toBeLessThan(9);
      // Each progress report is one finished backtest: fewer than the grid's 18 (9 IS + 9 OOS).
      expect(seen.length).toBeLessThan(18);
      expect(increasing(seen)).toBe(true);
      expect(seen[seen.length - 1]).toBeLessThan(1);
    });

    it('stops a running backtest inside a job, not only between jobs', async () => {
      const long = sampleCandles({ bars: 200_000, seed: 5, shape: 'cycle' });
      const seen: number[] = [];
      const ranked = await optimize(long, base, {
        ranges: [{ name: 'fast', values: [10] }],
        method: 'grid',
        objective: 'sharpe',
        inSampleShare: 0.9,
        workers: 1,
        onProgress: (f) => seen.push(f),
        isCancelled: () => seen.length > 0,
      });
      expect(ranked).toEqual([]);
      // The first report is the engine's, 65,536 bars into the 180,000-bar in-sample run.
      expect(seen).toHaveLength(1);
      expect(seen[0]).toBeLessThan(0.25);
    });

    it('stops walk-forward between windows and keeps only the finished ones', async () => {
      const seen: number[] = [];
      const wf = await walkForward(candles, base, {
        ...rolling,
        onProgress: (f) => seen.push(f),
        isCancelled: () => seen.some((f) => f >= 1 / 3),
      });
      expect(wf.windows).toHaveLength(1);
      expect(wf.equity).toHaveLength(4000);
      expect(increasing(seen)).toBe(true);
      expect(seen[seen.length - 1]).toBeCloseTo(1 / 3, 9);
    });
  });
});
