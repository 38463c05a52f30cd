import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ti from 'technicalindicators';
import {
  ATR,
  BollingerBands,
  EMA,
  MACD,
  RSI,
  SessionVWAP,
  SMA,
  Stochastic,
  SuperTrend,
  WMA,
} from '@/strategies/indicators';

const SERIES = 10_000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Bars {
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

/** A random walk with bars around it; lengths vary so warm-up edges are hit at many offsets. */
function makeSeries(count: number, seed: number): Bars[] {
  const r = rng(seed);
  const out: Bars[] = [];
  for (let s = 0; s < count; s++) {
    const n = 36 + Math.floor(r() * 14);
    let p = 100 + r() * 5000;
    const bars: Bars = { high: [], low: [], close: [], volume: [] };
    for (let i = 0; i < n; i++) {
      p = Math.max(1, p * (1 + (r() - 0.5) * 0.04));
      const close = Math.round(p * 100) / 100;
      bars.close.push(close);
      bars.high.push(close + r() * p * 0.01);
      bars.low.push(close - r() * p * 0.01);
      bars.volume.push(Math.floor(r() * 10_000) + 1);
    }
    out.push(bars);
  }
  return out;
}

/** Compare our NaN-padded output with a reference that emits one value per input after its warm-up. */
function expectTail(ours: ArrayLike<number>, ref: number[], label: string, tol = 1e-7): void {
  const offset = ours.length - ref.length;
  for (let i = 0; i < offset; i++)
    if (!Number.isNaN(ours[i])) throw new Error(`${label}: value during warm-up at ${i}`);
  for (let i = 0; i < ref.length; i++) {
    const a = ours[offset + i];
    const b = ref[i];
    if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b))))
      throw new Error(`${label}: index ${offset + i}: ours ${a} vs reference ${b}`);
  }
}

const series = makeSeries(SERIES, 42);

describe('EMA and MACD agree with technicalindicators on 10,000 random series', () => {
  it('EMA (period 10, SMA-seeded)', () => {
    for (const b of series)
      expectTail(EMA.batch(b.close, 10), ti.EMA.calculate({ period: 10, values: b.close }), 'EMA');
  });

  it('MACD (12, 26, 9): line, signal and histogram', () => {
    for (const b of series) {
      const ours = MACD.batch(b.close, 12, 26, 9);
      const ref = ti.MACD.calculate({
        values: b.close,
        fastPeriod: 12,
        slowPeriod: 26,
        signalPeriod: 9,
        SimpleMAOscillator: false,
        SimpleMASignal: false,
      });
      const full = ref.filter((x) => x.signal !== undefined);
      expectTail(
        ours.macd,
        ref.map((x) => x.MACD!),
        'MACD line',
      );
      expectTail(
        ours.signal,
        full.map((x) => x.signal!),
        'MACD signal',
      );
      expectTail(
        ours.histogram,
        full.map((x) => x.histogram!),
        'MACD histogram',
      );
    }
  });
});

/** Outputs per bar computed by trading-signals in a child process, NaN where it has no value yet. */
const REF_FIELDS = [
  'rsi',
  'atr',
  'st',
  'stDir',
  'bbMid',
  'bbUp',
  'bbLow',
  'sma',
  'wma',
  'stochK',
  'stochD',
  'vwap',
] as const;

function tradingSignalsReference(all: Bars[]): Float64Array {
  // trading-signals is ESM-only, which Jest cannot load in-process: compute it in a child node (native
  // require of ESM) and pass binary arrays both ways, since JSON for ~500,000 bars costs seconds.
  const dir = mkdtempSync(join(tmpdir(), 'ind-ref-'));
  try {
    const lengths = Int32Array.from(all.map((b) => b.close.length));
    const flat = Float64Array.from(all.flatMap((b) => [...b.high, ...b.low, ...b.close, ...b.volume]));
    writeFileSync(join(dir, 'len.bin'), lengths);
    writeFileSync(join(dir, 'bars.bin'), flat);
    const script = `
      const fs = require('fs'); const path = require('path');
      const { ATR, SuperTrend, RSI, BollingerBands, SMA, WMA, StochasticOscillator, VWAP } = require('trading-signals');
      const F = ${REF_FIELDS.length};
      const dir = process.argv[1];
      const lb = fs.readFileSync(path.join(dir, 'len.bin')); const bb = fs.readFileSync(path.join(dir, 'bars.bin'));
      const len = new Int32Array(lb.buffer, lb.byteOffset, lb.length / 4);
      const bars = new Float64Array(bb.buffer.slice(bb.byteOffset, bb.byteOffset + bb.length));
      let total = 0; for (const n of len) total += n;
      const out = new Float64Array(total * F).fill(NaN);
      let src = 0, dst = 0;
      for (const n of len) {
        const rsi = new RSI(14), atr = new ATR(14), st = new SuperTrend({ interval: 10, multiplier: 3 }), bands = new BollingerBands(20, 2);
        const sma = new SMA(10), wma = new WMA(10), stoch = new StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 1, dPeriod: 3 }), vwap = new VWAP();
        for (let i = 0; i < n; i++) {
          const bar = { high: bars[src + i], low: bars[src + n + i], close: bars[src + 2 * n + i], volume: bars[src + 3 * n + i] };
          const o = (dst + i) * F;
          const m = sma.update(bar.close, false); if (m !== null) out[o + 7] = m;
          const w = wma.update(bar.close, false); if (w !== null) out[o + 8] = w;
          const k = stoch.update(bar, false); if (k) { out[o + 9] = k.stochK; out[o + 10] = k.stochD; }
          const v = vwap.update(bar, false); if (v !== null) out[o + 11] = v;
          const r = rsi.update(bar.close, false); if (r !== null) out[o] = r;
          const a = atr.update(bar, false); if (a !== null) out[o + 1] = a;
          const s = st.update(bar, false);
          if (s) { out[o + 2] = s.supertrend; out[o + 3] = s.trend === 'BULLISH' || s.trend === 1 ? 1 : -1; }
          const b = bands.update(bar.close, false);
          if (b) { out[o + 4] = b.middle; out[o + 5] = b.upper; out[o + 6] = b.lower; }
        }
        src += 4 * n; dst += n;
      }
      fs.writeFileSync(path.join(dir, 'out.bin'), out);`;
    const res = spawnSync(process.execPath, ['-e', script, dir], { cwd: process.cwd(), encoding: 'utf8' });
    if (res.status !== 0) throw new Error(res.stderr);
    const buf = readFileSync(join(dir, 'out.bin'));
    return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('RSI, ATR, SuperTrend, Bollinger, SMA, WMA, Stochastic and VWAP agree with trading-signals on 10,000 random series', () => {
  const ref = tradingSignalsReference(series);

  function compare(field: (typeof REF_FIELDS)[number], ours: (b: Bars) => ArrayLike<number>): number {
    const f = REF_FIELDS.indexOf(field);
    let row = 0;
    let compared = 0;
    series.forEach((b, k) => {
      const mine = ours(b);
      for (let i = 0; i < b.close.length; i++, row++) {
        const want = ref[row * REF_FIELDS.length + f];
        const got = mine[i];
        if (Number.isNaN(want)) {
          if (!Number.isNaN(got))
            throw new Error(`${field} series ${k} index ${i}: value ${got} during warm-up`);
          continue;
        }
        if (!(Math.abs(got - want) <= 1e-7 * Math.max(1, Math.abs(want))))
          throw new Error(`${field} series ${k} index ${i}: ours ${got} vs reference ${want}`);
        compared++;
      }
    });
    return compared;
  }

  it('RSI (Wilder, 14): equal values from the 15th price on', () => {
    expect(compare('rsi', (b) => RSI.batch(b.close, 14))).toBeGreaterThan(SERIES * 20);
    expect(new RSI(14).warmup).toBe(15);
  });

  it('ATR (Wilder, 14): equal values from the 14th bar on', () => {
    expect(compare('atr', (b) => ATR.batch(b.high, b.low, b.close, 14))).toBeGreaterThan(SERIES * 20);
  });

  it('SuperTrend (10, 3): equal line and direction', () => {
    expect(compare('st', (b) => SuperTrend.batch(b.high, b.low, b.close, 10, 3).value)).toBeGreaterThan(
      SERIES * 25,
    );
    expect(
      compare('stDir', (b) =>
        Float64Array.from(SuperTrend.batch(b.high, b.low, b.close, 10, 3).direction, (d) =>
          d === 0 ? NaN : d,
        ),
      ),
    ).toBeGreaterThan(SERIES * 25);
  });

  it('SMA and WMA (period 10)', () => {
    expect(compare('sma', (b) => SMA.batch(b.close, 10))).toBeGreaterThan(SERIES * 25);
    expect(compare('wma', (b) => WMA.batch(b.close, 10))).toBeGreaterThan(SERIES * 25);
  });

  it('Stochastic (14, 3, fast %K): equal %K wherever the reference has one, and equal %D', () => {
    // trading-signals reports nothing until %D exists; ours shows %K two bars earlier.
    const f = REF_FIELDS.indexOf('stochK');
    let row = 0;
    let compared = 0;
    for (const b of series) {
      const ours = Stochastic.batch(b.high, b.low, b.close, 14, 3, 1);
      for (let i = 0; i < b.close.length; i++, row++) {
        const k = ref[row * REF_FIELDS.length + f];
        if (Number.isNaN(k)) continue;
        if (Math.abs(ours.k[i] - k) > 1e-7 * Math.max(1, k))
          throw new Error(`stoch %K row ${row}: ${ours.k[i]} vs ${k}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(SERIES * 15);
    expect(compare('stochD', (b) => Stochastic.batch(b.high, b.low, b.close, 14, 3, 1).d)).toBeGreaterThan(
      SERIES * 15,
    );
  });

  it('session VWAP equals a cumulative VWAP within one IST session', () => {
    const sessionStart = Date.UTC(2026, 0, 5, 3, 45); // 09:15 IST
    const minutes = (n: number) => Array.from({ length: n }, (_, i) => sessionStart + i * 60_000);
    expect(
      compare('vwap', (b) => SessionVWAP.batch(b.high, b.low, b.close, b.volume, minutes(b.close.length))),
    ).toBeGreaterThan(SERIES * 35);
  });

  it('Bollinger Bands (20, 2 sigma, population deviation): middle, upper and lower', () => {
    expect(compare('bbMid', (b) => BollingerBands.batch(b.close, 20, 2).middle)).toBeGreaterThan(SERIES * 15);
    expect(compare('bbUp', (b) => BollingerBands.batch(b.close, 20, 2).upper)).toBeGreaterThan(SERIES * 15);
    expect(compare('bbLow', (b) => BollingerBands.batch(b.close, 20, 2).lower)).toBeGreaterThan(SERIES * 15);
  });
});
