import type { Exchange, Tick } from '@/domain/market';

/** Deterministic PRNG (mulberry32) so generated tick streams are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IST = 330 * 60_000;

export interface GenOptions {
  symbol: string;
  exchange?: Exchange;
  token?: string;
  /** IST dates (YYYY-MM-DD) to generate; holidays may be included on purpose. */
  dates: string[];
  seed: number;
  /** Without volume the ticks look like LTP-mode ticks. */
  withVolume?: boolean;
  startPaise?: number;
}

/**
 * Simulated ticks from 09:00 to 15:40 IST: a random walk on the tick grid (5 paise), bursts and quiet
 * gaps of several minutes, quote refreshes that do not change the cumulative volume, and a cumulative
 * volume that restarts each day.
 */
export function generateTicks(o: GenOptions): Tick[] {
  const r = rng(o.seed);
  const out: Tick[] = [];
  let price = o.startPaise ?? 80_000;
  for (const date of o.dates) {
    const [y, m, d] = date.split('-').map(Number);
    const dayStart = Date.UTC(y, m - 1, d) - IST;
    let t = dayStart + 9 * 3_600_000;
    const end = dayStart + (15 * 60 + 40) * 60_000;
    let cum = 0;
    while (t < end) {
      t += r() < 0.01 ? Math.floor(r() * 8 * 60_000) : Math.floor(r() * 4000) + 1;
      const refresh = o.withVolume !== false && r() < 0.15;
      let qty = 0;
      if (!refresh) {
        price = Math.max(500, price + Math.round((r() - 0.5) * 6) * 5);
        qty = 1 + Math.floor(r() * 500);
        cum += qty;
      }
      const tick: Tick = {
        symbol: o.symbol,
        token: o.token ?? '3045',
        exchange: o.exchange ?? 'NSE',
        mode: o.withVolume === false ? 'LTP' : 'QUOTE',
        exchangeTime: t,
        receivedAt: t + 5,
        ltpPaise: price,
      };
      if (o.withVolume !== false) {
        tick.volume = cum;
        tick.lastQuantity = refresh ? undefined : qty;
      }
      out.push(tick);
    }
  }
  return out;
}
