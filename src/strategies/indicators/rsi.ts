/**
 * Relative strength index with Wilder's smoothing: the first average gain and loss are plain means of
 * the first `period` changes, then avg = (avg * (period - 1) + x) / period. Warm-up: `period + 1`
 * prices. All-gain windows give 100; a window with no movement at all gives 50.
 */
import { checkPeriod } from './period';

export class RSI {
  readonly warmup: number;
  value = NaN;
  ready = false;
  private prev = NaN;
  private count = 0;
  private avgGain = 0;
  private avgLoss = 0;

  constructor(readonly period = 14) {
    checkPeriod('RSI period', period);
    this.warmup = period + 1;
  }

  update(price: number): number {
    if (this.count === 0) {
      this.prev = price;
      this.count = 1;
      return this.value;
    }
    const change = price - this.prev;
    this.prev = price;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    const p = this.period;
    if (this.ready) {
      this.avgGain = (this.avgGain * (p - 1) + gain) / p;
      this.avgLoss = (this.avgLoss * (p - 1) + loss) / p;
    } else {
      this.avgGain += gain;
      this.avgLoss += loss;
      if (++this.count <= p) return this.value;
      this.avgGain /= p;
      this.avgLoss /= p;
      this.ready = true;
    }
    if (this.avgLoss === 0) this.value = this.avgGain === 0 ? 50 : 100;
    else this.value = 100 - 100 / (1 + this.avgGain / this.avgLoss);
    return this.value;
  }

  reset(): void {
    this.prev = NaN;
    this.count = this.avgGain = this.avgLoss = 0;
    this.value = NaN;
    this.ready = false;
  }

  static batch(values: ArrayLike<number>, period = 14): Float64Array {
    const ind = new RSI(period);
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = ind.update(values[i]);
    return out;
  }
}
