/**
 * Deterministic synthetic candles for specs, benchmarks and the sample CSV: NSE session bars
 * (09:15-15:30 IST, weekdays) from a seeded price process. Not market data; never presented as such.
 */
import type { Candle, Interval } from '@/domain/market';
import { INTERVAL_MS } from '@/backtest/csv-candles';

/** mulberry32: a tiny seeded PRNG, so the same seed always gives the same series. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleOptions {
  symbol?: string;
  interval?: Interval;
  bars: number;
  seed?: number;
  /** First session day, YYYY-MM-DD (IST). */
  from?: string;
  startPricePaise?: number;
  /** 'walk': a random walk; 'cycle': slow waves plus a little noise (clean, well-spaced crossovers). */
  shape?: 'walk' | 'cycle';
  tickSizePaise?: number;
}

const SESSION_START_MIN = 9 * 60 + 15;
const SESSION_MINUTES = 375;

export function sampleCandles(o: SampleOptions): Candle[] {
  const interval = o.interval ?? '1m';
  const step = INTERVAL_MS[interval];
  const perDay = interval === '1d' ? 1 : Math.floor((SESSION_MINUTES * 60_000) / step);
  const rnd = seededRandom(o.seed ?? 1);
  const tick = o.tickSizePaise ?? 5;
  const base = o.startPricePaise ?? 50_000;
  const out: Candle[] = new Array<Candle>(o.bars);
  let day = Date.parse(`${o.from ?? '2026-01-05'}T00:00:00+05:30`);
  let k = 0;
  let price = base;
  let walk = 0;
  const onTick = (p: number): number => Math.max(tick, Math.round(p / tick) * tick);
  while (k < o.bars) {
    const weekday = new Date(day + 330 * 60_000).getUTCDay();
    if (weekday !== 0 && weekday !== 6) {
      const sessionStart = day + SESSION_START_MIN * 60_000;
      for (let j = 0; j < perDay && k < o.bars; j++, k++) {
        const open = onTick(price);
        let close: number;
        if (o.shape === 'cycle') {
          walk += (rnd() - 0.5) * base * 0.0004;
          close = onTick(
            base +
              walk +
              base * 0.04 * Math.sin((2 * Math.PI * k) / 600) +
              base * 0.01 * Math.sin((2 * Math.PI * k) / 2300),
          );
        } else {
          close = onTick(open * (1 + (rnd() - 0.5) * 0.004));
        }
        const high = Math.max(open, close) + tick * Math.floor(rnd() * 4);
        const low = Math.max(tick, Math.min(open, close) - tick * Math.floor(rnd() * 4));
        const start = interval === '1d' ? day : sessionStart + j * step;
        out[k] = {
          symbol: o.symbol ?? 'NSE:SBIN-EQ',
          interval,
          start,
          openPaise: open,
          highPaise: high,
          lowPaise: low,
          closePaise: close,
          volume: 1000 + Math.floor(rnd() * 9000),
          closed: true,
        };
        price = close;
      }
    }
    day += 86_400_000;
  }
  return out;
}

/** The CSV form the CLI reads (rupee prices, IST timestamps with +05:30): the market-data export's. */
export { candlesToCsv } from '@/market-data/storage/candle-csv';
