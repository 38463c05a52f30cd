/**
 * Money is integer paise everywhere in the domain and the database. Rupees appear only at the edges
 * (wire formats, CSV, user input) as decimal strings or numbers, converted here without float drift.
 */
export type Paise = number;

const RUPEE_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parse rupees ("123.45", 123.45, "-0.05") into integer paise. Throws on NaN, >2 decimals of precision loss is rounded half away from zero. */
export function rupeesToPaise(value: string | number): Paise {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = RUPEE_RE.exec(text);
  if (!m) throw new RangeError(`not a rupee amount: ${JSON.stringify(value)}`);
  const [, neg, whole, frac = ''] = m;
  const padded = (frac + '000').slice(0, 3);
  let paise = Number(whole) * 100 + Number(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) paise += 1;
  if (!Number.isSafeInteger(paise)) throw new RangeError(`rupee amount out of range: ${text}`);
  return neg && paise !== 0 ? -paise : paise;
}

/** True when the value parses as rupees with at most two decimals (no rounding needed). */
export function isExactRupees(value: string | number): boolean {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = RUPEE_RE.exec(text);
  return !!m && (m[3] === undefined || m[3].replace(/0+$/, '').length <= 2);
}

/** Integer paise to a rupee decimal string with two places: 12345 -> "123.45". */
export function paiseToRupees(paise: Paise): string {
  if (!Number.isInteger(paise)) throw new RangeError(`paise must be an integer: ${paise}`);
  const neg = paise < 0;
  const abs = Math.abs(paise);
  const s = `${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** Paise to a rupee number, for JSON output and charts only (never for arithmetic). */
export function paiseToRupeeNumber(paise: Paise): number {
  return paise / 100;
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite amount: ${n}`);
  // toFixed(6) avoids exponent notation and float noise like 0.1 + 0.2.
  return n.toFixed(6).replace(/\.?0+$/, '') || '0';
}
