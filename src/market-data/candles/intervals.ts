import type { Interval } from '@/domain/market';
import { INTERVALS } from '@/domain/market';

/** Bucket length of each intraday interval; '1d' is the whole session and has no fixed length. */
export const INTERVAL_MS: Record<Interval, number> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

export function isInterval(value: unknown): value is Interval {
  return typeof value === 'string' && (INTERVALS as readonly string[]).includes(value);
}

export interface SessionBounds {
  open: number;
  close: number;
}

/**
 * The bucket holding instant t, aligned to the session open (09:15 IST for NSE equity, so the first hour
 * is 09:15-10:15 and the last is 15:15-15:30). The last bucket is clipped at the close. Daily candles
 * start at the session open.
 */
export function bucketOf(
  interval: Interval,
  session: SessionBounds,
  t: number,
): { start: number; end: number } {
  if (interval === '1d') return { start: session.open, end: session.close };
  const ms = INTERVAL_MS[interval];
  const start = session.open + Math.floor((t - session.open) / ms) * ms;
  return { start, end: Math.min(start + ms, session.close) };
}
