/**
 * Exponential moving average, alpha = 2 / (period + 1), seeded with the SMA of the first `period`
 * inputs (the TA-Lib convention). Warm-up: `period` inputs.
 */
import { checkPeriod } from './period';

export class EMA {
  readonly warmup: number;
  value = NaN;
  ready = false;
  private readonly alpha: number;
  private count = 0;
  private seed = 0;

  constructor(readonly period: number) {
    checkPeriod('EMA period', period);
    this.warmup = period;
    this.alpha = 2 / (period + 1);
  }

  update(x: number): number {
    if (this.ready) {
      this.value += this.alpha * (x - this.value);
    } else {
      this.seed += x;
      if (++this.count === this.period) {
        this.value = this.seed / this.period;
        this.ready = true;
      }
    }
    return this.value;
  }

  reset(): void {
    this.count = this.seed = 0;
    this.value = NaN;
    this.ready = false;
  }

  static batch(values: ArrayLike<number>, period: number): Float64Array {
    const ind = new EMA(period);
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = ind.update(values[i]);
    return out;
  }
}
