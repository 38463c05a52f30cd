/**
 * ns per `update()` for each indicator, beside trading-signals' equivalent and a minimal hand-written
 * ring-buffer SMA, in one process. Goal: each of ours at most 2x the hand-written SMA.
 * Run: `npm run bench -- indicators` (or with N=... to change the update count).
 */
import * as TS from 'trading-signals';
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

const N = Number(process.env.N ?? 1_000_000);
const TS_N = Math.max(50_000, Math.floor(N / 10)); // trading-signals is ~20x slower; fewer updates keep the run short
const PERIOD = 20;

// One shared random walk with bars, so every implementation sees the same inputs.
const close = new Float64Array(N);
const high = new Float64Array(N);
const low = new Float64Array(N);
const volume = new Float64Array(N);
const time = new Float64Array(N);
{
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let p = 100_000;
  const t0 = Date.UTC(2026, 0, 5, 3, 45);
  for (let i = 0; i < N; i++) {
    p = Math.max(100, p + Math.round((rnd() - 0.5) * 40));
    close[i] = p;
    high[i] = p + Math.round(rnd() * 30);
    low[i] = p - Math.round(rnd() * 30);
    volume[i] = 1 + Math.floor(rnd() * 1000);
    time[i] = t0 + (i % 375) * 60_000 + Math.floor(i / 375) * 86_400_000;
  }
}

/** The baseline: the least an SMA update can do. */
class HandSMA {
  private readonly buf: Float64Array;
  private i = 0;
  private n = 0;
  private sum = 0;
  value = NaN;
  constructor(private readonly p: number) {
    this.buf = new Float64Array(p);
  }
  update(x: number): number {
    if (this.n < this.p) this.n++;
    else this.sum -= this.buf[this.i];
    this.sum += x;
    this.buf[this.i] = x;
    if (++this.i === this.p) this.i = 0;
    if (this.n === this.p) this.value = this.sum / this.p;
    return this.value;
  }
}

let sink = 0;

/**
 * Best of 5 runs of `count` updates, in ns per update (after a warm-up run for the JIT). Each case owns
 * its loop (`make` returns a function running n updates), so no call site is shared between cases and
 * none turns megamorphic to penalise whichever case runs later.
 */
function measure(count: number, make: () => (n: number) => number): number {
  let best = Infinity;
  for (let run = 0; run < 6; run++) {
    const loop = make();
    const t = process.hrtime.bigint();
    sink += loop(count);
    const ns = Number(process.hrtime.bigint() - t) / count;
    if (run > 0) best = Math.min(best, ns);
  }
  return best;
}

type Make = () => (n: number) => number;
type Row = { name: string; ours: Make; ts?: Make };

const bar = (i: number) => ({ high: high[i], low: low[i], close: close[i] });
const rows: Row[] = [
  {
    name: 'SMA(20)',
    ours: () => {
      const x = new SMA(PERIOD);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += x.update(close[i]) || 0;
        return a;
      };
    },
    ts: () => {
      const x = new TS.SMA(PERIOD);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (x.update(close[i], false) ?? 0) || 0;
        return a;
      };
    },
  },
  {
    name: 'EMA(20)',
    ours: () => {
      const x = new EMA(PERIOD);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += x.update(close[i]) || 0;
        return a;
      };
    },
    ts: () => {
      const x = new TS.EMA(PERIOD);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (x.update(close[i], false) ?? 0) || 0;
        return a;
      };
    },
  },
  {
    name: 'WMA(20)',
    ours: () => {
      const x = new WMA(PERIOD);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += x.update(close[i]) || 0;
        return a;
      };
    },
    ts: () => {
      const x = new TS.WMA(PERIOD);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (x.update(close[i], false) ?? 0) || 0;
        return a;
      };
    },
  },
  {
    name: 'RSI(14)',
    ours: () => {
      const x = new RSI(14);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += x.update(close[i]) || 0;
        return a;
      };
    },
    ts: () => {
      const x = new TS.RSI(14);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (x.update(close[i], false) ?? 0) || 0;
        return a;
      };
    },
  },
  {
    name: 'MACD(12,26,9)',
    ours: () => {
      const x = new MACD(12, 26, 9);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += x.update(close[i]) || 0;
        return a;
      };
    },
    ts: () => {
      const x = new TS.MACD(new TS.EMA(12), new TS.EMA(26), new TS.EMA(9));
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (x.update(close[i], false)?.histogram ?? 0) || 0;
        return a;
      };
    },
  },
  {
    name: 'Bollinger(20,2)',
    ours: () => {
      const x = new BollingerBands(PERIOD, 2);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += x.update(close[i]) || 0;
        return a;
      };
    },
    ts: () => {
      const x = new TS.BollingerBands(PERIOD, 2);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (x.update(close[i], false)?.middle ?? 0) || 0;
        return a;
      };
    },
  },
  {
    name: 'ATR(14)',
    ours: () => {
      const x = new ATR(14);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += x.update(high[i], low[i], close[i]) || 0;
        return a;
      };
    },
    ts: () => {
      const x = new TS.ATR(14);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (x.update(bar(i), false) ?? 0) || 0;
        return a;
      };
    },
  },
  {
    name: 'Stochastic(14,3,3)',
    ours: () => {
      const x = new Stochastic(14, 3, 3);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += x.update(high[i], low[i], close[i]) || 0;
        return a;
      };
    },
    ts: () => {
      const x = new TS.StochasticOscillator({ kPeriod: 14, dPeriod: 3, kSlowingPeriod: 3 });
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (x.update(bar(i), false)?.stochK ?? 0) || 0;
        return a;
      };
    },
  },
  {
    name: 'SuperTrend(10,3)',
    ours: () => {
      const x = new SuperTrend(10, 3);
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += x.update(high[i], low[i], close[i]) || 0;
        return a;
      };
    },
    ts: () => {
      const x = new TS.SuperTrend({ interval: 10, multiplier: 3 });
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (x.update(bar(i), false)?.supertrend ?? 0) || 0;
        return a;
      };
    },
  },
  {
    name: 'VWAP (session)',
    ours: () => {
      const x = new SessionVWAP();
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += x.update(high[i], low[i], close[i], volume[i], time[i]) || 0;
        return a;
      };
    },
    // trading-signals' VWAP is cumulative with no session reset: the nearest equivalent.
    ts: () => {
      const x = new TS.VWAP();
      return (n) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (x.update({ ...bar(i), volume: volume[i] }, false) ?? 0) || 0;
        return a;
      };
    },
  },
];

const handCase: Make = () => {
  const x = new HandSMA(PERIOD);
  return (n) => {
    let a = 0;
    for (let i = 0; i < n; i++) a += x.update(close[i]) || 0;
    return a;
  };
};
console.log(
  `updates: ours ${N.toLocaleString()}, trading-signals ${TS_N.toLocaleString()} (best of 5 runs each)`,
);
console.log(
  'each row times the hand-written ring-buffer SMA(20) right before its own case, with the same best-of-5\n' +
    'statistic, so a burst of load from other processes cannot favour either side of the ratio\n',
);
console.log(
  `${'indicator'.padEnd(20)}${'ours ns'.padStart(10)}${'hand ns'.padStart(10)}${'x hand'.padStart(9)}${'t-s ns'.padStart(10)}${'t-s/ours'.padStart(10)}  goal <= 2x hand`,
);
let failed = 0;
for (const r of rows) {
  const hand = measure(N, handCase);
  const ours = measure(N, r.ours);
  const ts = r.ts ? measure(TS_N, r.ts) : NaN;
  const ratio = ours / hand;
  if (ratio > 2) failed++;
  console.log(
    `${r.name.padEnd(20)}${ours.toFixed(1).padStart(10)}${hand.toFixed(1).padStart(10)}${ratio.toFixed(2).padStart(9)}${ts.toFixed(1).padStart(10)}${(ts / ours).toFixed(1).padStart(10)}  ${ratio <= 2 ? 'ok' : 'OVER'}`,
  );
}
console.log(
  `\n${rows.length - failed}/${rows.length} within 2x of the hand-written SMA (checksum ${sink % 1000})`,
);
