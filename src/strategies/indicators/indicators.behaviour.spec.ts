import {
  BollingerBands,
  MACD,
  RollingExtreme,
  SessionVWAP,
  SMA,
  Stochastic,
  SuperTrend,
  WMA,
} from '@/strategies/indicators';

function naiveWindow(xs: number[], i: number, p: number): number[] {
  return xs.slice(i - p + 1, i + 1);
}

describe('indicator behaviour over long runs and edges', () => {
  const xs = Array.from({ length: 5000 }, (_, i) => 1000 + Math.sin(i / 7) * 50 + ((i * 7919) % 13) / 10);

  it('SMA, WMA and Bollinger stay exact across many ring wraps (periodic rebuilds)', () => {
    const sma = new SMA(7);
    const wma = new WMA(7);
    const bb = new BollingerBands(7, 2);
    xs.forEach((x, i) => {
      sma.update(x);
      wma.update(x);
      bb.update(x);
      if (i < 6) return;
      const w = naiveWindow(xs, i, 7);
      const mean = w.reduce((a, b) => a + b, 0) / 7;
      const weighted = w.reduce((a, b, j) => a + b * (j + 1), 0) / 28;
      const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 7);
      expect(sma.value).toBeCloseTo(mean, 8);
      expect(wma.value).toBeCloseTo(weighted, 8);
      expect(bb.upper).toBeCloseTo(mean + 2 * sd, 7);
    });
  });

  it('Bollinger deviation keeps its precision on large prices with tiny moves', () => {
    const bb = new BollingerBands(20, 2);
    for (let i = 0; i < 1000; i++) bb.update(5_000_000 + (i % 2));
    expect(bb.stdDev).toBeCloseTo(0.5, 9);
    expect(bb.bandwidth).toBeCloseTo(2 / 5_000_000.5, 15);
    expect(new BollingerBands(20, 2).bandwidth).toBeNaN();
  });

  it('RollingExtreme equals the naive max and min of the window', () => {
    const hi = new RollingExtreme(9, true);
    const lo = new RollingExtreme(9, false);
    xs.forEach((x, i) => {
      const h = hi.update(x);
      const l = lo.update(x);
      const w = xs.slice(Math.max(0, i - 8), i + 1);
      expect(h).toBe(Math.max(...w));
      expect(l).toBe(Math.min(...w));
    });
  });

  it('session VWAP restarts at the first bar of a new IST day, not at UTC midnight', () => {
    const v = new SessionVWAP();
    const day1 = Date.UTC(2026, 0, 5, 3, 45); // 09:15 IST, 5 Jan
    v.update(110, 90, 100, 10, day1);
    v.update(210, 190, 200, 10, day1 + 60_000);
    expect(v.value).toBeCloseTo(150, 10);
    // 23:00 IST on 5 Jan is 17:30 UTC: same session.
    v.update(310, 290, 300, 20, Date.UTC(2026, 0, 5, 17, 30));
    expect(v.value).toBeCloseTo(225, 10);
    // 00:10 IST on 6 Jan is still 5 Jan in UTC (18:40): a new session all the same.
    v.update(410, 390, 400, 5, Date.UTC(2026, 0, 5, 18, 40));
    expect(v.value).toBeCloseTo(400, 10);
  });

  it('session VWAP ignores zero-volume bars and stays NaN until volume arrives', () => {
    const v = new SessionVWAP(9 * 60 + 15);
    const t = Date.UTC(2026, 0, 5, 3, 45);
    expect(v.update(10, 10, 10, 0, t)).toBeNaN();
    expect(v.ready).toBe(false);
    expect(v.update(30, 30, 30, 2, t + 60_000)).toBe(30);
  });

  it('warm-up lengths are the documented ones', () => {
    expect(new MACD(12, 26, 9).warmup).toBe(34);
    expect(new Stochastic(14, 3, 3).warmup).toBe(18);
    expect(new SuperTrend(10, 3).warmup).toBe(10);
    const m = new MACD(3, 5, 2);
    const out = [1, 2, 3, 4, 5, 6].map((x) => m.update(x));
    expect(out.slice(0, 5).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(out[5])).toBe(false);
  });

  it('stochastic reports 50, not 0, over a flat range', () => {
    const s = new Stochastic(3, 1, 1);
    for (let i = 0; i < 5; i++) s.update(100, 100, 100);
    expect(s.k).toBe(50);
  });

  it('refuses nonsense periods at construction', () => {
    expect(() => new SMA(0)).toThrow(/SMA period/);
    expect(() => new MACD(26, 12, 9)).toThrow(/fast period/);
  });
});
