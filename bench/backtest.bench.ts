/**
 * Backtest throughput: SMA crossover (20/50) over 1,000,000 one-minute bars, fees off, fills at the next
 * open, one unit per trade, with three implementations in the same run:
 *   engine     - the platform's backtester running the built-in SmaCrossoverStrategy class unchanged, with
 *                full order (executor -> sink), fill, position, trade and per-bar equity bookkeeping;
 *   typed loop - a minimal hand-written loop over Float64Arrays (the floor);
 *   grademark  - grademark 0.3's backtest() (indicators precomputed in plain JS, which favours it).
 * All three must produce the same trades (asserted). grademark evaluates no rule on a bar on which it
 * fills, so it would miss crossovers one bar after a fill; the data is therefore a noisy cycle whose
 * crossovers are spaced apart, and the bench counts and prints such whipsaws (must be zero).
 * Goal (issue 5): engine >= 3 M bars/s and >= 5x grademark.
 */
import { strict as assert } from 'node:assert';
import { DataFrame } from 'data-forge';
import { backtest as grademarkBacktest, type IBar, type IStrategy } from 'grademark';
import { runBacktest } from '@/backtest/engine';
import { sampleCandles } from '@/backtest/sample-data';
import { StrategyRegistry } from '@/strategies/registry';

const BARS = 1_000_000;
const FAST = 20;
const SLOW = 50;
type T = { entryTime: number; exitTime: number; entryPrice: number; exitPrice: number };

const candles = sampleCandles({ bars: BARS, seed: 11, shape: 'cycle' });
const n = candles.length;
const open = new Float64Array(n);
const close = new Float64Array(n);
const start = new Float64Array(n);
for (let i = 0; i < n; i++) {
  open[i] = candles[i].openPaise;
  close[i] = candles[i].closePaise;
  start[i] = candles[i].start;
}

/** The crossover events of SmaCrossoverStrategy's rule: +1 cross up, -1 cross down, 0 none. */
function crosses(): Int8Array {
  const out = new Int8Array(n);
  let sf = 0;
  let ss = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    sf += close[i] - (i >= FAST ? close[i - FAST] : 0);
    ss += close[i] - (i >= SLOW ? close[i - SLOW] : 0);
    if (i < SLOW - 1) continue;
    const f = sf / FAST;
    const s = ss / SLOW;
    const sign = f > s ? 1 : f < s ? -1 : prev;
    if (prev !== 0 && sign !== prev) out[i] = sign;
    prev = sign;
  }
  return out;
}

function typedLoop(): { trades: T[]; equity: Float64Array } {
  const x = crosses();
  const equity = new Float64Array(n);
  const trades: T[] = [];
  let pos = 0;
  let pending = 0;
  let cash = 0;
  let entryTime = 0;
  let entryPrice = 0;
  for (let i = 0; i < n; i++) {
    if (pending !== 0) {
      if (pending > 0) {
        pos = 1;
        cash -= open[i];
        entryTime = start[i];
        entryPrice = open[i];
      } else {
        pos = 0;
        cash += open[i];
        trades.push({ entryTime, exitTime: start[i], entryPrice, exitPrice: open[i] });
      }
      pending = 0;
    }
    if (x[i] > 0 && pos === 0) pending = 1;
    else if (x[i] < 0 && pos > 0) pending = -1;
    equity[i] = cash + pos * close[i];
  }
  if (pos > 0)
    trades.push({ entryTime, exitTime: start[n - 1] + 60_000, entryPrice, exitPrice: close[n - 1] });
  return { trades, equity };
}

async function engine(): Promise<T[]> {
  const made = StrategyRegistry.withBuiltins().instantiate('sma-crossover', { fast: FAST, slow: SLOW });
  if (!made.ok) throw new Error('sma-crossover failed to instantiate');
  const r = await runBacktest(candles, {
    instrument: { symbol: 'NSE:SBIN-EQ', instrumentType: 'EQ', lotSize: 1, tickSizePaise: 5 },
    interval: '1m',
    strategy: made.strategy,
    capitalPaise: 100_000_00,
    product: 'DELIVERY',
    sizing: { kind: 'FIXED_QUANTITY', quantity: 1 },
  });
  assert.equal(r.equity.length, n);
  return r.trades.map((t) => ({
    entryTime: t.entryTime,
    exitTime: t.exitTime,
    entryPrice: t.entryPricePaise,
    exitPrice: t.exitPricePaise,
  }));
}

function grademark(x: Int8Array): T[] {
  const bars = new Array<IBar & { cross: number }>(n);
  for (let i = 0; i < n; i++) {
    bars[i] = {
      time: start[i] as unknown as Date,
      open: open[i],
      high: candles[i].highPaise,
      low: candles[i].lowPaise,
      close: close[i],
      volume: candles[i].volume,
      cross: x[i],
    };
  }
  const strategy: IStrategy<IBar & { cross: number }> = {
    entryRule: (enter, args) => {
      if (args.bar.cross > 0) enter();
    },
    exitRule: (exit, args) => {
      if (args.bar.cross < 0) exit();
    },
  };
  const trades = grademarkBacktest(strategy, new DataFrame<number, IBar & { cross: number }>(bars));
  return trades.map((t) => ({
    entryTime: t.entryTime as unknown as number,
    exitTime:
      t.exitReason === 'finalize'
        ? (t.exitTime as unknown as number) + 60_000
        : (t.exitTime as unknown as number),
    entryPrice: t.entryPrice,
    exitPrice: t.exitPrice,
  }));
}

function time<R>(label: string, f: () => R): { r: R; rate: number } {
  const t0 = process.hrtime.bigint();
  const r = f();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = n / s / 1e6;
  console.log(`${label.padEnd(12)} ${rate.toFixed(2)} M bars/s (${(s * 1000).toFixed(0)} ms)`);
  return { r, rate };
}

async function main(): Promise<void> {
  const x = crosses();
  let whipsaws = 0;
  let last = -10;
  for (let i = 0; i < n; i++) {
    if (x[i] === 0) continue;
    if (i - last <= 2) whipsaws++;
    last = i;
  }
  console.log(
    `${n} bars, ${x.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0)} crossovers, ${whipsaws} whipsaws within 2 bars`,
  );
  assert.equal(
    whipsaws,
    0,
    'the bench data must have no 1-2 bar whipsaws, or grademark would legitimately differ',
  );

  for (let w = 0; w < 2; w++) {
    typedLoop();
    await engine();
  }
  const loop = time('typed loop', typedLoop);
  let best = 0;
  let engineTrades: T[] = [];
  for (let k = 0; k < 3; k++) {
    const t0 = process.hrtime.bigint();
    engineTrades = await engine();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.max(best, n / s / 1e6);
  }
  console.log(`${'engine'.padEnd(12)} ${best.toFixed(2)} M bars/s (best of 3)`);
  const gm = time('grademark', () => grademark(x));

  assert.deepEqual(engineTrades, loop.r.trades, 'engine and typed loop trades differ');
  assert.deepEqual(gm.r, loop.r.trades, 'grademark and typed loop trades differ');
  console.log(`trades equal across all three: ${engineTrades.length} trades`);
  console.log(
    `engine / grademark = ${(best / gm.rate).toFixed(1)}x (goal >= 5x); engine / typed loop = ${(best / loop.rate).toFixed(2)}x`,
  );
  console.log(
    `goal >= 3 M bars/s: ${best >= 3 ? 'met' : 'NOT met'}; >= 5x grademark: ${best / gm.rate >= 5 ? 'met' : 'NOT met'}`,
  );
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
