/**
 * Asia/Kolkata is UTC+05:30 all year (no daylight saving), so conversions are a fixed offset: no tz
 * database lookups on the hot path. Everything inside the platform is UTC epoch ms; IST appears only
 * where humans and the exchange speak it (session times, holiday dates, CSV/REST edges).
 */
export const IST_OFFSET_MS = 330 * 60_000;
export const DAY_MS = 86_400_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HM_RE = /^(\d{2}):(\d{2})$/;

/** IST calendar date (YYYY-MM-DD) of a UTC instant. */
export function istDate(t: number): string {
  return new Date(t + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** UTC ms of IST midnight starting the given IST date. */
export function istMidnight(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(t).toISOString().slice(0, 10) !== date) throw new RangeError(`invalid date: ${date}`);
  return t - IST_OFFSET_MS;
}

/** UTC ms of an IST wall time `HH:MM` on an IST date. */
export function istTime(date: string, hm: string): number {
  const m = HM_RE.exec(hm);
  if (!m) throw new RangeError(`not an HH:MM time: ${hm}`);
  return istMidnight(date) + (Number(m[1]) * 60 + Number(m[2])) * 60_000;
}

/** Day of week of an IST date, 0 = Sunday. */
export function istWeekday(date: string): number {
  return new Date(istMidnight(date) + IST_OFFSET_MS).getUTCDay();
}

export function addDays(date: string, days: number): string {
  return istDate(istMidnight(date) + days * DAY_MS);
}

/** ISO-8601 with the +05:30 offset, for humans and wire formats at the market edge. */
export function toIstIso(t: number): string {
  return new Date(t + IST_OFFSET_MS).toISOString().replace('Z', '+05:30');
}
