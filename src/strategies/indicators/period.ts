/** Periods are whole numbers >= 1; a bad one is a programming error, so it throws at construction. */
export function checkPeriod(what: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min || period > 100_000) {
    throw new RangeError(`${what} must be an integer in ${min}..100000, got ${period}`);
  }
}
