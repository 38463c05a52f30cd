/** Asia/Kolkata formatting at the SmartAPI edge. IST has no DST, so a fixed +05:30 offset is exact. */
export const IST_OFFSET_MS = 330 * 60_000;
export const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const p2 = (n: number): string => String(n).padStart(2, '0');

/** The UTC fields of this Date are the IST wall-clock fields of `ms`. */
function ist(ms: number): Date {
  return new Date(ms + IST_OFFSET_MS);
}

/** `20-Oct-2020 13:10:59`, the order book's timestamp format. */
export function formatIstDateTime(ms: number): string {
  const d = ist(ms);
  return `${p2(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${formatIstTime(ms)}`;
}

/** `13:10:59`, the trade book's filltime format. */
export function formatIstTime(ms: number): string {
  const d = ist(ms);
  return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** `2023-09-06T11:15:00+05:30`, the candle timestamp format. */
export function formatIstIso(ms: number): string {
  const d = ist(ms);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${formatIstTime(ms)}+05:30`;
}

/** `04Apr2024`, the scrip master's expiry format. */
export function formatDdMonYyyy(ms: number): string {
  const d = ist(ms);
  return `${p2(d.getUTCDate())}${MONTHS[d.getUTCMonth()]}${d.getUTCFullYear()}`;
}

/** `25APR24`, the date part of F&O trading symbols. */
export function formatSymbolDate(ms: number): string {
  const d = ist(ms);
  return `${p2(d.getUTCDate())}${MONTHS[d.getUTCMonth()].toUpperCase()}${p2(d.getUTCFullYear() % 100)}`;
}

/** Parses `yyyy-MM-dd HH:mm` as IST wall-clock time; null when malformed. */
export function parseIstMinute(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const utc = Date.UTC(y, mo - 1, d, h, mi) - IST_OFFSET_MS;
  return ist(utc).getUTCDate() === d ? utc : null;
}

/** Epoch ms of IST midnight of the IST day containing `ms`. */
export function istDayStart(ms: number): number {
  return Math.floor((ms + IST_OFFSET_MS) / DAY_MS) * DAY_MS - IST_OFFSET_MS;
}

/** 0 = Sunday ... 6 = Saturday, in IST. */
export function istWeekday(ms: number): number {
  return ist(ms).getUTCDay();
}

/** Minutes since IST midnight. */
export function istMinuteOfDay(ms: number): number {
  const d = ist(ms);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

/** NSE cash session 09:15-15:30 IST, Monday to Friday (exchange holidays are not modelled). */
export const SESSION_OPEN_MIN = 9 * 60 + 15;
export const SESSION_CLOSE_MIN = 15 * 60 + 30;

export function isTradingDay(ms: number): boolean {
  const wd = istWeekday(ms);
  return wd !== 0 && wd !== 6;
}

export function isNseOpen(ms: number): boolean {
  const m = istMinuteOfDay(ms);
  return isTradingDay(ms) && m >= SESSION_OPEN_MIN && m < SESSION_CLOSE_MIN;
}

/** `YYMMDD` of the IST date, the prefix of Angel order ids. */
export function formatYymmdd(ms: number): string {
  const d = ist(ms);
  return `${p2(d.getUTCFullYear() % 100)}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}`;
}
