import type { Exchange } from '@/domain/market';
import { segmentOf, type MarketCalendar } from '@/market-data/calendar/market-calendar';

/**
 * An instrument is stale when its market is open and no tick has arrived for `staleMs` (counting from
 * the later of its last tick, its subscription and the session open, so a quiet pre-open or a fresh
 * subscription is not stale).
 */
export class StaleMonitor {
  private readonly watched = new Map<string, { exchange: Exchange; since: number; last: number }>();
  private readonly staleSet = new Set<string>();

  constructor(
    private readonly calendar: MarketCalendar,
    private readonly staleMs: number,
  ) {}

  watch(symbol: string, exchange: Exchange, now: number): void {
    if (!this.watched.has(symbol)) this.watched.set(symbol, { exchange, since: now, last: 0 });
  }

  unwatch(symbol: string): void {
    this.watched.delete(symbol);
    this.staleSet.delete(symbol);
  }

  seen(symbol: string, at: number): void {
    const w = this.watched.get(symbol);
    if (w && at > w.last) w.last = at;
  }

  /** Re-evaluates every watched instrument; returns the symbols whose stale flag changed. */
  check(now: number): { stale: string[]; fresh: string[] } {
    const stale: string[] = [];
    const fresh: string[] = [];
    for (const [symbol, w] of this.watched) {
      const session = this.calendar.sessionAt(segmentOf(w.exchange), now);
      const isStale = session !== null && now - Math.max(w.last, w.since, session.open) > this.staleMs;
      if (isStale && !this.staleSet.has(symbol)) {
        this.staleSet.add(symbol);
        stale.push(symbol);
      } else if (!isStale && this.staleSet.delete(symbol)) fresh.push(symbol);
    }
    return { stale, fresh };
  }

  isStale(symbol: string): boolean {
    return this.staleSet.has(symbol);
  }

  get staleCount(): number {
    return this.staleSet.size;
  }

  staleSymbols(): string[] {
    return [...this.staleSet];
  }
}
