import {
  COVERED_YEARS,
  HOLIDAYS,
  SPECIAL_SESSIONS,
  type HolidayEntry,
  type Segment,
  type SpecialSessionEntry,
} from './nse-calendar.data';
import { DAY_MS, IST_OFFSET_MS, addDays, istDate, istTime, istWeekday } from './ist';

export type { Segment } from './nse-calendar.data';

export type SessionKind = 'regular' | 'special' | 'muhurat' | 'evening';

export interface MarketSession {
  /** IST trading date, YYYY-MM-DD. */
  date: string;
  segment: Segment;
  /** UTC epoch ms, open inclusive, close exclusive. */
  open: number;
  close: number;
  kind: SessionKind;
  /** Holiday or special-session name when the day is not a plain weekday. */
  name?: string;
  /** The entry behind this answer is recalled or provisional, not read from a circular. */
  unsure?: boolean;
  /** False outside the years the checked-in list covers (weekday rule assumed). */
  covered: boolean;
}

/** Normal market hours (IST) per segment. Pre-open (09:00-09:08 equity) is not "open" for trading logic. */
const REGULAR_HOURS: Record<Exclude<Segment, 'commodity'>, { open: string; close: string }> = {
  equity: { open: '09:15', close: '15:30' },
  fno: { open: '09:15', close: '15:30' },
  currency: { open: '09:00', close: '17:00' },
};
const COMMODITY_OPEN = '09:00';
const COMMODITY_EVENING_OPEN = '17:00';

/**
 * MCX non-agri contracts close at 23:30 IST while the US is on daylight saving and 23:55 otherwise
 * (second Sunday of March to first Sunday of November), following the international reference markets.
 */
function commodityClose(date: string): string {
  const year = Number(date.slice(0, 4));
  const dstStart = nthSunday(year, 3, 2);
  const dstEnd = nthSunday(year, 11, 1);
  return date >= dstStart && date < dstEnd ? '23:30' : '23:55';
}

function nthSunday(year: number, month: number, n: number): string {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  const offset = (7 - istWeekday(first)) % 7;
  return addDays(first, offset + (n - 1) * 7);
}

/**
 * Answers "is the market open", "which session is this date" and "when does it next open" for NSE
 * segments and MCX, from the checked-in holiday list. Inputs and outputs are UTC epoch ms; IST is used
 * only to interpret the exchange's wall-clock rules.
 */
export class MarketCalendar {
  private readonly holidays = new Map<string, HolidayEntry>();
  private readonly specials = new Map<string, SpecialSessionEntry>();
  private readonly cache = new Map<string, MarketSession | null>();
  private readonly lastDay: Partial<Record<Segment, { from: number; session: MarketSession | null }>> = {};

  private readonly covered: Set<number>;

  constructor(
    opts: {
      holidays?: readonly HolidayEntry[];
      specials?: readonly SpecialSessionEntry[];
      coveredYears?: readonly number[];
    } = {},
  ) {
    for (const h of opts.holidays ?? HOLIDAYS) this.holidays.set(h.date, h);
    for (const s of opts.specials ?? SPECIAL_SESSIONS) this.specials.set(s.date, s);
    this.covered = new Set(opts.coveredYears ?? COVERED_YEARS);
  }

  /** The session of an IST date (YYYY-MM-DD, or the IST date of a UTC instant), or null when closed. */
  session(date: string | number, segment: Segment = 'equity'): MarketSession | null {
    const d = typeof date === 'number' ? istDate(date) : date;
    const key = `${segment}|${d}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const s = this.compute(d, segment);
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(key, s);
    return s;
  }

  /** The session containing instant t, or null when the segment is closed at t. */
  sessionAt(segment: Segment, t: number): MarketSession | null {
    // Hot path (every tick): remember the last IST day per segment to skip date formatting.
    let day = this.lastDay[segment];
    if (!day || t < day.from || t >= day.from + DAY_MS) {
      const from = Math.floor((t + IST_OFFSET_MS) / DAY_MS) * DAY_MS - IST_OFFSET_MS;
      day = { from, session: this.session(istDate(t), segment) };
      this.lastDay[segment] = day;
    }
    const s = day.session;
    return s && t >= s.open && t < s.close ? s : null;
  }

  isOpen(segment: Segment, t: number): boolean {
    return this.sessionAt(segment, t) !== null;
  }

  /** Whether the IST date has any session for the segment (a trading day). */
  isTradingDay(date: string | number, segment: Segment = 'equity'): boolean {
    return this.session(date, segment) !== null;
  }

  /** The first session open at or after t (UTC ms). Looks at most 30 days ahead, which spans any NSE closure. */
  nextOpen(segment: Segment, t: number): number {
    return this.nextSession(segment, t).open;
  }

  /** The first session whose open is at or after t. */
  nextSession(segment: Segment, t: number): MarketSession {
    let d = istDate(t);
    for (let i = 0; i < 31; i++, d = addDays(d, 1)) {
      const s = this.session(d, segment);
      if (s && s.open >= t) return s;
    }
    throw new Error(`no ${segment} session within 30 days of ${new Date(t).toISOString()}`);
  }

  /** The last session that closed at or before t. */
  previousSession(segment: Segment, t: number): MarketSession {
    let d = istDate(t);
    for (let i = 0; i < 31; i++, d = addDays(d, -1)) {
      const s = this.session(d, segment);
      if (s && s.close <= t) return s;
    }
    throw new Error(`no ${segment} session within 30 days before ${new Date(t).toISOString()}`);
  }

  /** Trading sessions whose date lies in [from, to] (UTC ms, by IST date). */
  sessionsBetween(segment: Segment, from: number, to: number): MarketSession[] {
    const out: MarketSession[] = [];
    const last = istDate(to);
    for (let d = istDate(from); d <= last; d = addDays(d, 1)) {
      const s = this.session(d, segment);
      if (s) out.push(s);
    }
    return out;
  }

  private compute(date: string, segment: Segment): MarketSession | null {
    const year = Number(date.slice(0, 4));
    const covered = this.covered.has(year);
    const special = this.specials.get(date);
    const hours = special?.hours[segment];
    if (special && hours) {
      return {
        date,
        segment,
        open: istTime(date, hours.open),
        close: istTime(date, hours.close),
        kind: special.kind,
        name: special.name,
        covered,
        ...(special.unsure ? { unsure: true } : {}),
      };
    }
    const wd = istWeekday(date);
    if (wd === 0 || wd === 6) return null;
    const holiday = covered ? this.holidays.get(date) : undefined;
    const unsure = holiday?.unsure ? { unsure: true } : {};
    if (holiday?.closed.includes(segment)) {
      if (segment === 'commodity' && holiday.commodityEvening) {
        return {
          date,
          segment,
          open: istTime(date, COMMODITY_EVENING_OPEN),
          close: istTime(date, commodityClose(date)),
          kind: 'evening',
          name: holiday.name,
          covered,
          ...unsure,
        };
      }
      return null;
    }
    if (segment === 'commodity') {
      return {
        date,
        segment,
        open: istTime(date, COMMODITY_OPEN),
        close: istTime(date, commodityClose(date)),
        kind: 'regular',
        covered,
      };
    }
    const h = REGULAR_HOURS[segment];
    return {
      date,
      segment,
      open: istTime(date, h.open),
      close: istTime(date, h.close),
      kind: 'regular',
      covered,
    };
  }
}

/** Which calendar segment an exchange's instruments trade in. */
export function segmentOf(exchange: string): Segment {
  switch (exchange) {
    case 'NFO':
    case 'BFO':
      return 'fno';
    case 'CDS':
      return 'currency';
    case 'MCX':
      return 'commodity';
    default:
      return 'equity';
  }
}

export { DAY_MS };
