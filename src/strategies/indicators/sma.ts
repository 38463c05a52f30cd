/**
 * Simple moving average over a Float64Array ring buffer. Warm-up: `period` inputs.
 * The running sum is exact for integer paise; for fractional inputs it is rebuilt from the buffer every
 * 64 wraps (amortised O(1)) so float drift cannot accumulate over a long session.
 */
import { checkPeriod } from './period';

export class SMA {
  readonly warmup: number;
  value = NaN;
  ready = false;
  private readonly buf: Float64Array;
  private idx = 0;
  private count = 0;
  private sum = 0;
  private wraps = 0;

  constructor(readonly period: number) {
    checkPeriod('SMA period', period);
    this.warmup = period;
    this.buf = new Float64Array(period);
  }

  update(x: number): number {
    const p = this.period;
    if (this.count < p) {
      this.count++;
      this.sum += x;
    } else {
      this.sum += x - this.buf[this.idx];
    }
    this.buf[this.idx] = x;
    if (++this.idx === p) {
      this.idx = 0;
      if (++this.wraps === 64) this.rebuild();
    }
    if (this.count === p) {
      this.ready = true;
      this.value = this.sum / p;
    }
    return this.value;
  }

  reset(): void {
    this.buf.fill(0);
    this.idx = this.count = this.sum = this.wraps = 0;
    this.value = NaN;
    this.ready = false;
  }

  private rebuild(): void {
    this.wraps = 0;
    let s = 0;
    for (let i = 0; i < this.period; i++) s += this.buf[i];
    this.sum = s;
  }

  /** Batch form: one output per input, NaN during warm-up. */
  static batch(values: ArrayLike<number>, period: number): Float64Array {
    const ind = new SMA(period);
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = ind.update(values[i]);
    return out;
  }
}
