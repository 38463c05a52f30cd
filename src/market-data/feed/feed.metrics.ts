/**
 * Feed health figures for the stale-feed and market-hours alerts (names in
 * src/monitoring/metric-catalogue.ts). Set by the feed leader's once-a-second housekeeping, never on the
 * tick path; other processes keep the defaults (0), so Prometheus reads them with `max()`.
 */
import type { Exchange } from '@/domain/market';
import { segmentOf, type MarketCalendar, type Segment } from '@/market-data/calendar/market-calendar';
import { gauge } from '@/monitoring/metrics';

const marketOpen = gauge({
  name: 'trading_bot_feed_market_open',
  help: '1 while a segment of any subscribed instrument is in its trading session (on the feed leader)',
});
const lastTick = gauge({
  name: 'trading_bot_feed_last_tick_timestamp_seconds',
  help: 'Unix time the feed leader last received a tick (0 before the first)',
});

/** `lastTickAt` is the receipt time (ms) of the newest tick, or 0 before the first one. */
export function publishFeedHealth(
  calendar: Pick<MarketCalendar, 'isOpen'>,
  subscribed: Iterable<{ exchange: Exchange }>,
  now: number,
  lastTickAt: number,
): void {
  const segments = new Set<Segment>();
  for (const i of subscribed) segments.add(segmentOf(i.exchange));
  let open = false;
  for (const s of segments) if ((open = calendar.isOpen(s, now))) break;
  marketOpen.set(open ? 1 : 0);
  if (lastTickAt > 0) lastTick.set(lastTickAt / 1000);
}

/** The process stopped leading the feed: it no longer speaks for the market session. */
export function clearFeedHealth(): void {
  marketOpen.set(0);
}
