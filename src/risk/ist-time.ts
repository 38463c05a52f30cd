/**
 * Asia/Kolkata is UTC+05:30 with no daylight saving, so market-edge times are plain arithmetic:
 * no timezone database on the hot path.
 */
const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Minutes since midnight IST for an epoch-ms instant. */
export function istMinutesOfDay(t: number): number {
  const local = t + IST_OFFSET_MS;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60000);
}

/** The IST calendar date (`YYYY-MM-DD`) of an instant: the key of the trading day. */
export function istDate(t: number): string {
  return new Date(t + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Epoch ms of midnight IST starting the IST day that contains `t`. */
export function istDayStart(t: number): number {
  const local = t + IST_OFFSET_MS;
  return local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - IST_OFFSET_MS;
}

/** Parses `HH:MM` into minutes since midnight; throws on a malformed value (config is validated at boot). */
export function parseHhMm(value: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!m) throw new RangeError(`not a HH:MM time: ${JSON.stringify(value)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The instant `HH:MM` IST falls on the IST day containing `t`. */
export function istTimeOn(t: number, hhmm: string): number {
  return istDayStart(t) + parseHhMm(hhmm) * 60000;
}
