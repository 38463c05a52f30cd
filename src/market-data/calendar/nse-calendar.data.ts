/**
 * NSE trading holidays and special sessions, 2025-2027, checked in so the platform never depends on a
 * network fetch to know whether the market is open.
 *
 * Sources:
 *  - 2025: NSE circular NSE/CMTR/65587 (13 Dec 2024) "Trading holidays for the calendar year 2025"; the
 *    Union Budget special live session of Sat 1 Feb 2025 (NSE circular, Jan 2025); Muhurat trading
 *    of Tue 21 Oct 2025, 13:45-14:45 IST (NSE circular, Oct 2025).
 *  - 2026: NSE circular "Trading holidays for the calendar year 2026" (Dec 2025). Entries marked
 *    `unsure` were recalled, not re-read against the circular.
 *  - 2027: NOT YET PUBLISHED by NSE when this file was written. Every 2027 entry is provisional: fixed
 *    national holidays plus festival dates from the Indian almanac that fall on weekdays. Replace with
 *    the circular when NSE issues it (usually mid-December).
 * Currency-derivative and MCX deviations come from the same circulars' segment annexures where known and
 * are otherwise marked `unsure`.
 *
 * Only weekday holidays are listed (weekends are closed anyway). A special session on a weekend or a
 * holiday is listed in SPECIAL_SESSIONS and wins over both.
 */

export type Segment = 'equity' | 'fno' | 'currency' | 'commodity';
export const SEGMENTS: readonly Segment[] = ['equity', 'fno', 'currency', 'commodity'];

export interface HolidayEntry {
  date: string; // YYYY-MM-DD (IST)
  name: string;
  /** Segments closed all day. Equity and F&O always share holidays. */
  closed: readonly Segment[];
  /** MCX often trades the evening session (17:00 onwards) on an NSE holiday. */
  commodityEvening?: boolean;
  unsure?: boolean;
}

export interface SpecialSessionEntry {
  date: string;
  name: string;
  kind: 'muhurat' | 'special';
  /** HH:MM IST, per segment that trades. */
  hours: Partial<Record<Segment, { open: string; close: string }>>;
  unsure?: boolean;
}

/** Closed everywhere, MCX included (national holidays and Christmas / Good Friday). */
const ALL: Segment[] = ['equity', 'fno', 'currency', 'commodity'];
/** NSE closed; MCX closed too unless the entry sets `commodityEvening` (evening session only). */
const EQ: Segment[] = ALL;
const CUR: Segment[] = ['currency'];
/** Equity and F&O closed, currency open (bank-working day for currency settlement). */
const EQ_ONLY: Segment[] = ['equity', 'fno'];

export const HOLIDAYS: readonly HolidayEntry[] = [
  // 2025 (NSE/CMTR/65587)
  { date: '2025-02-19', name: 'Chhatrapati Shivaji Maharaj Jayanti', closed: CUR, unsure: true },
  { date: '2025-02-26', name: 'Mahashivratri', closed: EQ, commodityEvening: true },
  { date: '2025-03-14', name: 'Holi', closed: EQ, commodityEvening: true },
  { date: '2025-03-31', name: 'Id-Ul-Fitr (Ramadan Eid)', closed: EQ, commodityEvening: true },
  { date: '2025-04-01', name: 'Annual bank closing', closed: CUR, unsure: true },
  { date: '2025-04-10', name: 'Shri Mahavir Jayanti', closed: EQ, commodityEvening: true },
  { date: '2025-04-14', name: 'Dr. Baba Saheb Ambedkar Jayanti', closed: EQ, commodityEvening: true },
  { date: '2025-04-18', name: 'Good Friday', closed: ALL },
  { date: '2025-05-01', name: 'Maharashtra Day', closed: EQ, commodityEvening: true },
  { date: '2025-05-12', name: 'Buddha Pournima', closed: CUR, unsure: true },
  { date: '2025-08-15', name: 'Independence Day', closed: ALL },
  { date: '2025-08-27', name: 'Ganesh Chaturthi', closed: EQ, commodityEvening: true },
  { date: '2025-10-02', name: 'Mahatma Gandhi Jayanti / Dussehra', closed: ALL },
  { date: '2025-10-21', name: 'Diwali Laxmi Pujan (Muhurat session only)', closed: ALL },
  { date: '2025-10-22', name: 'Diwali Balipratipada', closed: EQ, commodityEvening: true },
  { date: '2025-11-05', name: 'Prakash Gurpurb Sri Guru Nanak Dev', closed: EQ, commodityEvening: true },
  { date: '2025-12-25', name: 'Christmas', closed: ALL },

  // 2026 (NSE circular, Dec 2025)
  {
    date: '2026-01-15',
    name: 'Municipal Corporation elections in Maharashtra',
    closed: EQ_ONLY,
    unsure: true,
  },
  { date: '2026-01-26', name: 'Republic Day', closed: ALL },
  { date: '2026-03-03', name: 'Holi', closed: EQ, commodityEvening: true },
  { date: '2026-03-26', name: 'Shri Ram Navami', closed: EQ, commodityEvening: true },
  { date: '2026-03-31', name: 'Shri Mahavir Jayanti', closed: EQ, commodityEvening: true },
  { date: '2026-04-03', name: 'Good Friday', closed: ALL },
  { date: '2026-04-14', name: 'Dr. Baba Saheb Ambedkar Jayanti', closed: EQ, commodityEvening: true },
  { date: '2026-05-01', name: 'Maharashtra Day', closed: EQ, commodityEvening: true },
  { date: '2026-05-28', name: 'Bakri Id', closed: EQ, commodityEvening: true },
  { date: '2026-06-26', name: 'Muharram', closed: EQ, commodityEvening: true },
  { date: '2026-09-14', name: 'Ganesh Chaturthi', closed: EQ, commodityEvening: true },
  { date: '2026-10-02', name: 'Mahatma Gandhi Jayanti', closed: ALL },
  { date: '2026-10-20', name: 'Dussehra', closed: EQ, commodityEvening: true },
  { date: '2026-11-10', name: 'Diwali Balipratipada', closed: EQ, commodityEvening: true },
  { date: '2026-11-24', name: 'Prakash Gurpurb Sri Guru Nanak Dev', closed: EQ, commodityEvening: true },
  { date: '2026-12-25', name: 'Christmas', closed: ALL },

  // 2027: provisional (see header), every entry unsure.
  { date: '2027-01-26', name: 'Republic Day', closed: ALL, unsure: true },
  { date: '2027-03-10', name: 'Id-Ul-Fitr (Ramadan Eid)', closed: EQ, commodityEvening: true, unsure: true },
  { date: '2027-03-22', name: 'Holi', closed: EQ, commodityEvening: true, unsure: true },
  { date: '2027-03-26', name: 'Good Friday', closed: ALL, unsure: true },
  {
    date: '2027-04-14',
    name: 'Dr. Baba Saheb Ambedkar Jayanti',
    closed: EQ,
    commodityEvening: true,
    unsure: true,
  },
  { date: '2027-04-15', name: 'Shri Ram Navami', closed: EQ, commodityEvening: true, unsure: true },
  { date: '2027-05-17', name: 'Bakri Id', closed: EQ, commodityEvening: true, unsure: true },
  { date: '2027-06-15', name: 'Muharram', closed: EQ, commodityEvening: true, unsure: true },
  { date: '2027-10-29', name: 'Diwali Laxmi Pujan (Muhurat session only)', closed: ALL, unsure: true },
];

export const SPECIAL_SESSIONS: readonly SpecialSessionEntry[] = [
  {
    date: '2025-02-01',
    name: 'Union Budget live trading session (Saturday)',
    kind: 'special',
    hours: { equity: { open: '09:15', close: '15:30' }, fno: { open: '09:15', close: '15:30' } },
  },
  {
    date: '2025-10-21',
    name: 'Muhurat trading (Samvat 2082)',
    kind: 'muhurat',
    hours: {
      equity: { open: '13:45', close: '14:45' },
      fno: { open: '13:45', close: '14:45' },
      currency: { open: '13:45', close: '14:45' },
      commodity: { open: '13:45', close: '14:45' },
    },
  },
  {
    date: '2026-02-01',
    name: 'Union Budget live trading session (Sunday)',
    kind: 'special',
    hours: { equity: { open: '09:15', close: '15:30' }, fno: { open: '09:15', close: '15:30' } },
    unsure: true,
  },
  {
    date: '2026-11-08',
    name: 'Muhurat trading (Samvat 2083, Sunday)',
    kind: 'muhurat',
    hours: {
      equity: { open: '18:00', close: '19:00' },
      fno: { open: '18:00', close: '19:00' },
      currency: { open: '18:00', close: '19:00' },
      commodity: { open: '18:00', close: '19:00' },
    },
    unsure: true,
  },
  {
    date: '2027-10-29',
    name: 'Muhurat trading (Samvat 2084)',
    kind: 'muhurat',
    hours: {
      equity: { open: '18:00', close: '19:00' },
      fno: { open: '18:00', close: '19:00' },
      currency: { open: '18:00', close: '19:00' },
      commodity: { open: '18:00', close: '19:00' },
    },
    unsure: true,
  },
];

/** Years this list covers; outside them the calendar falls back to "every weekday is a regular session". */
export const COVERED_YEARS: readonly number[] = [2025, 2026, 2027];
