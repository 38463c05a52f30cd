import type { AppConfig } from '@/config/app-config';
import { DAY_MS, IST_OFFSET_MS, istDate, istTime } from './ist';
import { MarketCalendar, type MarketSession, type Segment } from './market-calendar';

/** NSE's equity open; the always-open day starts here so 1h and 1d candles keep their NSE alignment. */
const ANCHOR = '09:15';
const ANCHOR_MS = (9 * 60 + 15) * 60_000;

/**
 * The calendar of the exchange simulator when it trades around the clock (`SIM_MARKET_HOURS=always`):
 * every segment is open every day, weekends and holidays included, in back-to-back 24-hour sessions
 * from 09:15 IST to 09:15 IST the next day. A session is dated by the IST day it opens, so 03:00 IST on
 * the 11th belongs to the session of the 10th, as a night's trading would in a real extended session.
 *
 * Only the answers change; the class stays a `MarketCalendar` so the feed, stale detection, health and
 * backfill take it under the same token without knowing the market is simulated.
 */
export class AlwaysOpenCalendar extends MarketCalendar {
  /**
   * The session opening at 09:15 IST on an IST date; for an instant, the session containing it (unlike
   * the NSE calendar, whose instant argument means "that instant's IST date", since here the date of an
   * instant before 09:15 is the previous day's session).
   */
  override session(date: string | number, segment: Segment = 'equity'): MarketSession {
    const day = typeof date === 'number' ? sessionDate(date) : date;
    const open = istTime(day, ANCHOR);
    return {
      date: day,
      segment,
      open,
      close: open + DAY_MS,
      kind: 'regular',
      name: 'simulated market, open around the clock',
      covered: true,
    };
  }

  override sessionAt(segment: Segment, t: number): MarketSession {
    return this.session(t, segment);
  }
}

/** IST date of the 09:15-anchored session containing instant t. */
function sessionDate(t: number): string {
  const sinceMidnight = (((t + IST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return istDate(sinceMidnight < ANCHOR_MS ? t - DAY_MS : t);
}

/** Whether the platform should see the market as always open: an always-open exchange simulator. */
export function marketAlwaysOpen(config: Pick<AppConfig, 'tradingMode' | 'env'>): boolean {
  return config.tradingMode === 'simulated' && config.env.SIM_MARKET_HOURS === 'always';
}

/**
 * The calendar for this deployment: the NSE calendar in paper and live trading and with
 * `SIM_MARKET_HOURS=nse`; the always-open calendar against an always-open simulator, so a newcomer's
 * demo builds candles, trades and reports a healthy feed at any hour.
 */
export function createMarketCalendar(config: Pick<AppConfig, 'tradingMode' | 'env'>): MarketCalendar {
  return marketAlwaysOpen(config) ? new AlwaysOpenCalendar() : new MarketCalendar();
}
