/**
 * Rolling maximum or minimum of the last `period` inputs, by the van Herk / Gil-Werman block method:
 * inputs fall into blocks of `period`; the window is the tail of the previous block plus the head of
 * the current one, so its extreme is max(suffix max of the previous block, running max of this one).
 * Suffix maxima are rebuilt once per completed block (period steps for period inputs), so each update
 * is amortised O(1) with two comparisons, and nothing is allocated. A minimum is a maximum of negated inputs.
 */
import { checkPeriod } from './period';

export class RollingExtreme {
  private readonly buf: Float64Array;
  private readonly suffix: Float64Array;
  private readonly sign: number;
  private pos = 0;
  private prefix = -Infinity;

  constructor(
    readonly period: number,
    max: boolean,
  ) {
    checkPeriod('rolling window', period);
    this.buf = new Float64Array(period);
    this.suffix = new Float64Array(period).fill(-Infinity);
    this.sign = max ? 1 : -1;
  }

  /** Returns the extreme of the last `period` inputs (of all inputs so far while fewer). */
  update(value: number): number {
    const x = value * this.sign;
    const pos = this.pos;
    const p = this.period;
    this.buf[pos] = x;
    // Math.max compiles to a branch-free instruction; on noisy prices a comparison would mispredict.
    const prefix = pos === 0 ? x : Math.max(x, this.prefix);
    this.prefix = prefix;
    let out = prefix;
    if (pos + 1 < p) {
      out = Math.max(out, this.suffix[pos + 1]);
      this.pos = pos + 1;
    } else {
      this.rebuildSuffix();
      this.pos = 0;
    }
    return out * this.sign;
  }

  reset(): void {
    this.pos = 0;
    this.prefix = -Infinity;
    this.suffix.fill(-Infinity);
  }

  private rebuildSuffix(): void {
    const b = this.buf;
    const s = this.suffix;
    let m = -Infinity;
    for (let j = this.period - 1; j >= 0; j--) {
      m = Math.max(m, b[j]);
      s[j] = m;
    }
  }
}
