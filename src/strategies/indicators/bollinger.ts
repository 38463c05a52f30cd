/**
 * Bollinger Bands: SMA(period) +/- k population standard deviations. The mean and the sum of squared
 * deviations slide together (Welford's update for a replaced element), which keeps the variance
 * accurate when prices are large and the spread small (paise around 1e5, moves of a few paise).
 * Warm-up: `period` inputs. `bandwidth` = (upper - lower) / middle.
 */
import { checkPeriod } from './period';

export class BollingerBands {
  readonly warmup: number;
  middle = NaN;
  upper = NaN;
  lower = NaN;
  stdDev = NaN;
  ready = false;
  private readonly buf: Float64Array;
  private idx = 0;
  private count = 0;
  private mean = 0;
  private m2 = 0;
  private wraps = 0;

  constructor(
    readonly period = 20,
    readonly k = 2,
  ) {
    checkPeriod('Bollinger period', period);
    if (!(k > 0)) throw new RangeError(`Bollinger width must be positive, got ${k}`);
    this.warmup = period;
    this.buf = new Float64Array(period);
  }

  /** Returns the middle band (NaN until ready). */
  update(x: number): number {
    const p = this.period;
    if (this.count < p) {
      const n = ++this.count;
      const d = x - this.mean;
      this.mean += d / n;
      this.m2 += d * (x - this.mean);
    } else {
      const old = this.buf[this.idx];
      const oldMean = this.mean;
      this.mean += (x - old) / p;
      this.m2 += (x - old) * (x - this.mean + old - oldMean);
      if (this.m2 < 0) this.m2 = 0;
    }
    this.buf[this.idx] = x;
    if (++this.idx === p) {
      this.idx = 0;
      if (++this.wraps === 64) this.rebuild();
    }
    if (this.count === p) {
      this.ready = true;
      const sd = Math.sqrt(this.m2 / p);
      this.stdDev = sd;
      this.middle = this.mean;
      this.upper = this.mean + this.k * sd;
      this.lower = this.mean - this.k * sd;
    }
    return this.middle;
  }

  /** (upper - lower) / middle, computed on demand so the update stays lean. */
  get bandwidth(): number {
    return this.ready && this.middle !== 0 ? (this.upper - this.lower) / this.middle : NaN;
  }

  reset(): void {
    this.buf.fill(0);
    this.idx = this.count = this.mean = this.m2 = this.wraps = 0;
    this.middle = this.upper = this.lower = this.stdDev = NaN;
    this.ready = false;
  }

  private rebuild(): void {
    this.wraps = 0;
    let s = 0;
    for (let i = 0; i < this.period; i++) s += this.buf[i];
    const mean = s / this.period;
    let m2 = 0;
    for (let i = 0; i < this.period; i++) m2 += (this.buf[i] - mean) * (this.buf[i] - mean);
    this.mean = mean;
    this.m2 = m2;
  }

  static batch(
    values: ArrayLike<number>,
    period = 20,
    k = 2,
  ): { middle: Float64Array; upper: Float64Array; lower: Float64Array } {
    const ind = new BollingerBands(period, k);
    const n = values.length;
    const out = { middle: new Float64Array(n), upper: new Float64Array(n), lower: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      ind.update(values[i]);
      out.middle[i] = ind.middle;
      out.upper[i] = ind.upper;
      out.lower[i] = ind.lower;
    }
    return out;
  }
}
