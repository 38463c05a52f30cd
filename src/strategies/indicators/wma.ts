/**
 * Linearly weighted moving average (newest weight `period`, oldest 1). O(1) per update: the weighted
 * numerator moves by `period * x - previous plain sum`. Warm-up: `period` inputs.
 */
import { checkPeriod } from './period';

export class WMA {
  readonly warmup: number;
  value = NaN;
  ready = false;
  private readonly buf: Float64Array;
  private readonly denom: number;
  private idx = 0;
  private count = 0;
  private sum = 0;
  private weighted = 0;
  private wraps = 0;

  constructor(readonly period: number) {
    checkPeriod('WMA period', period);
    this.warmup = period;
    this.buf = new Float64Array(period);
    this.denom = (period * (period + 1)) / 2;
  }

  update(x: number): number {
    const p = this.period;
    if (this.count < p) {
      this.count++;
      // During warm-up the k-th input carries weight k.
      this.weighted += this.count * x;
      this.sum += x;
    } else {
      this.weighted += p * x - this.sum;
      this.sum += x - this.buf[this.idx];
    }
    this.buf[this.idx] = x;
    if (++this.idx === p) {
      this.idx = 0;
      if (++this.wraps === 64) this.rebuild();
    }
    if (this.count === p) {
      this.ready = true;
      this.value = this.weighted / this.denom;
    }
    return this.value;
  }

  reset(): void {
    this.buf.fill(0);
    this.idx = this.count = this.sum = this.weighted = this.wraps = 0;
    this.value = NaN;
    this.ready = false;
  }

  /** Called right after a wrap, so the oldest element sits at index 0. */
  private rebuild(): void {
    this.wraps = 0;
    let s = 0;
    let w = 0;
    for (let i = 0; i < this.period; i++) {
      s += this.buf[i];
      w += (i + 1) * this.buf[i];
    }
    this.sum = s;
    this.weighted = w;
  }

  static batch(values: ArrayLike<number>, period: number): Float64Array {
    const ind = new WMA(period);
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = ind.update(values[i]);
    return out;
  }
}
