import type { Interval } from '@/domain/market';

/**
 * Largest calendar span one getCandleData request may cover, per interval (smartapi-protocol §3.1).
 * Only trading days come back, but the limit counts calendar days.
 */
export const MAX_DAYS_PER_REQUEST: Record<Interval, number> = {
  '1m': 30,
  '3m': 60,
  '5m': 100,
  '15m': 200,
  '30m': 200,
  '1h': 400,
  '1d': 2000,
};

const DAY = 86_400_000;

export interface BackfillChunk {
  from: number;
  to: number;
}

/**
 * Splits [from, to) into consecutive requests no longer than the interval's maximum, oldest first, so a
 * job that dies half way resumes from its first unfinished chunk.
 */
export function planBackfill(interval: Interval, from: number, to: number): BackfillChunk[] {
  if (!(to > from)) return [];
  const span = MAX_DAYS_PER_REQUEST[interval] * DAY;
  const out: BackfillChunk[] = [];
  for (let t = from; t < to; t += span) out.push({ from: t, to: Math.min(t + span, to) });
  return out;
}
