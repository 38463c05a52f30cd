/**
 * SmartAPI `ordertag`s: fewer than 20 characters (AB4008 otherwise), unique per trading day, and traceable to
 * the decision that produced the order. Layout: `YYMMDD` (IST trading day) + the order_tag_seq value in
 * base 36, 7 wide (78 billion orders before it wraps) + up to 6 characters of the strategy version.
 * The sequence alone makes tags unique for ever; the date makes them readable in the broker's console.
 */
export const ORDERTAG_MAX = 19;
const SEQ_WIDTH = 7;
const VERSION_WIDTH = ORDERTAG_MAX - 6 - SEQ_WIDTH;
const IST_OFFSET_MS = 330 * 60_000;

export function buildOrdertag(
  sequence: number | bigint,
  now: number,
  strategyVersion?: string | null,
): string {
  const seq = BigInt(sequence);
  if (seq <= 0n) throw new RangeError(`ordertag sequence must be positive: ${seq}`);
  const d = new Date(now + IST_OFFSET_MS);
  const day = `${String(d.getUTCFullYear() % 100).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  const body = (seq % 36n ** BigInt(SEQ_WIDTH)).toString(36).toUpperCase().padStart(SEQ_WIDTH, '0');
  const version = (strategyVersion ?? '').replace(/[^A-Za-z0-9]/g, '').slice(0, VERSION_WIDTH);
  return `${day}${body}${version}`;
}

/** The parts of a tag this platform produced, or null for a foreign tag. */
export function parseOrdertag(
  tag: string,
): { day: string; sequence: number; strategyVersion: string } | null {
  const m = /^(\d{6})([0-9A-Z]{7})([A-Za-z0-9]{0,6})$/.exec(tag);
  if (!m) return null;
  return { day: m[1], sequence: parseInt(m[2], 36), strategyVersion: m[3] };
}
