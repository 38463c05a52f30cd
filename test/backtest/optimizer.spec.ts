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
    const wf = await walkForward(candles, base, {
      ranges: [{ name: 'fast', values: [10, 20] }],
      method: 'grid',
      objective: 'sharpe',
      inSampleBars: 8000,
      outOfSampleBars: 4000,
      mode: 'rolling',
      workers: 1,
    });
    expect(wf.windows.map((w) => w.outOfSample)).toEqual([
      [8000, 12000],
      [12000, 16000],
      [16000, 20000],
    ]);
    expect(wf.equity).toHaveLength(12_000);
    for (let i = 1; i < wf.equityTimes.length; i++)
      expect(wf.equityTimes[i]).toBeGreaterThan(wf.equityTimes[i - 1]);
  });
});
