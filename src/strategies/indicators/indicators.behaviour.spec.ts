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

  it('Stochastic equals a direct recomputation (window scan, plain means) for fast and slow settings, long runs and after reset', () => {
    /** Straight from the definition: O(kPeriod) scans and plain means, NaN until each stage exists. */
    function direct(h: number[], l: number[], c: number[], kp: number, dp: number, ks: number) {
      const raw: number[] = [];
      const k: number[] = [];
      const d: number[] = [];
      for (let i = 0; i < c.length; i++) {
        const from = Math.max(0, i - kp + 1);
        const hh = Math.max(...h.slice(from, i + 1));
        const ll = Math.min(...l.slice(from, i + 1));
        raw.push(i + 1 < kp ? NaN : hh > ll ? ((c[i] - ll) / (hh - ll)) * 100 : 50);
        const rs = raw.slice(i - ks + 1);
        k.push(i + 1 < kp + ks - 1 ? NaN : rs.reduce((a, b) => a + b, 0) / ks);
        const ksd = k.slice(i - dp + 1);
        d.push(i + 1 < kp + ks + dp - 2 ? NaN : ksd.reduce((a, b) => a + b, 0) / dp);
      }
      return { k, d };
    }
    const close = xs.slice(0, 3000).map((x, i) => x + ((i * 31) % 17) - 8);
    const high = close.map((x, i) => x + ((i * 13) % 7) * 0.37);
    const low = close.map((x, i) => x - ((i * 11) % 5) * 0.41);
    const same = (a: number, b: number) =>
      Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    for (const [kp, dp, ks] of [
      [14, 3, 3],
      [14, 3, 1],
      [5, 2, 4],
      [1, 1, 1],
      [2, 5, 2],
    ]) {
      const want = direct(high, low, close, kp, dp, ks);
      const s = new Stochastic(kp, dp, ks);
      for (const pass of [0, 1]) {
        for (let i = 0; i < close.length; i++) {
          const k = s.update(high[i], low[i], close[i]);
          if (!same(k, want.k[i]) || !same(s.k, want.k[i]) || !same(s.d, want.d[i]))
            throw new Error(
              `(${kp},${dp},${ks}) pass ${pass} bar ${i}: k ${s.k} d ${s.d} vs ${want.k[i]} ${want.d[i]}`,
            );
          if (s.ready !== i + 1 >= s.warmup) throw new Error(`(${kp},${dp},${ks}) ready wrong at bar ${i}`);
        }
        s.reset();
        expect(s.k).toBeNaN();
      }
    }
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
