/**
 * Builds higher-timeframe candles from closed lower-timeframe ones, for feeds (the backtester, a CSV)
 * that supply one interval. Intraday buckets are aligned to the NSE session open, 09:15 IST, so a 15m
 * bar is 09:15-09:30 and an hour bar 09:15-10:15, as Angel One draws them; daily bars are IST dates.
 * A bucket is emitted as soon as the base candle that ends it arrives, or when a later bucket begins.
 */
import type { Candle, Interval } from '@/domain/market';

export const INTERVAL_MS: Record<Interval, number> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

const IST_OFFSET_MS = 330 * 60_000;
const SESSION_OPEN_IST_MS = (9 * 60 + 15) * 60_000;

/** Start (epoch ms UTC) of the `interval` bucket holding time `t`. */
export function bucketStart(t: number, interval: Interval): number {
  const len = INTERVAL_MS[interval];
  const istDay = Math.floor((t + IST_OFFSET_MS) / 86_400_000) * 86_400_000 - IST_OFFSET_MS;
  if (interval === '1d') return istDay;
  const anchor = istDay + SESSION_OPEN_IST_MS;
  return anchor + Math.floor((t - anchor) / len) * len;
}

export class CandleResampler {
  private readonly open = new Map<string, Candle>();

  constructor(private readonly targets: readonly Interval[]) {}

  /** Feed a closed base candle; returns the higher-timeframe candles that closed with it (oldest first). */
  push(c: Candle): Candle[] {
    const out: Candle[] = [];
    const baseLen = INTERVAL_MS[c.interval];
    const end = c.start + baseLen;
    for (const tf of this.targets) {
      if (INTERVAL_MS[tf] <= baseLen) continue;
      const key = `${c.symbol}|${tf}`;
      const start = bucketStart(c.start, tf);
      let cur = this.open.get(key);
      if (cur && cur.start !== start) {
        out.push({ ...cur, closed: true });
        cur = undefined;
      }
      if (!cur) {
        cur = {
          symbol: c.symbol,
          interval: tf,
          start,
          openPaise: c.openPaise,
          highPaise: c.highPaise,
          lowPaise: c.lowPaise,
          closePaise: c.closePaise,
          volume: c.volume,
          closed: false,
        };
      } else {
        if (c.highPaise > cur.highPaise) cur.highPaise = c.highPaise;
        if (c.lowPaise < cur.lowPaise) cur.lowPaise = c.lowPaise;
        cur.closePaise = c.closePaise;
        cur.volume += c.volume;
      }
      // Daily buckets never close on time alone: the session ends before the IST day does.
      if (tf !== '1d' && end >= start + INTERVAL_MS[tf]) {
        out.push({ ...cur, closed: true });
        this.open.delete(key);
      } else {
        this.open.set(key, cur);
      }
    }
    return out;
  }
}
