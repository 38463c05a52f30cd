/**
 * SuperTrend over Wilder's ATR. Basic bands are hl2 +/- multiplier * ATR; the final upper band only
 * falls (and the lower only rises) while the previous close stays inside it; the trend is up while the
 * close holds above the final lower band and flips down when it closes below it (and vice versa).
 * `value` is the final lower band in an up-trend and the upper band in a down-trend; `direction` is
 * +1 (up) or -1 (down). Warm-up: `period` bars (the ATR's).
 */
import { ATR } from './atr';

export class SuperTrend {
  readonly warmup: number;
  value = NaN;
  direction: 1 | -1 | 0 = 0;
  upperBand = NaN;
  lowerBand = NaN;
  ready = false;
  private readonly atr: ATR;
  private prevClose = NaN;

  constructor(
    readonly period = 10,
    readonly multiplier = 3,
  ) {
    if (!(multiplier > 0)) throw new RangeError(`SuperTrend multiplier must be positive, got ${multiplier}`);
    this.atr = new ATR(period);
    this.warmup = period;
  }

  update(high: number, low: number, close: number): number {
    const atr = this.atr.update(high, low, close);
    if (!this.atr.ready) return NaN;
    const hl2 = (high + low) / 2;
    const basicUpper = hl2 + this.multiplier * atr;
    const basicLower = hl2 - this.multiplier * atr;
    if (!this.ready) {
      this.upperBand = basicUpper;
      this.lowerBand = basicLower;
      this.direction = close > basicUpper ? 1 : -1;
      this.ready = true;
    } else {
      const pc = this.prevClose;
      const upper = basicUpper < this.upperBand || pc > this.upperBand ? basicUpper : this.upperBand;
      const lower = basicLower > this.lowerBand || pc < this.lowerBand ? basicLower : this.lowerBand;
      this.direction = this.direction === 1 ? (close >= lower ? 1 : -1) : close > upper ? 1 : -1;
      this.upperBand = upper;
      this.lowerBand = lower;
    }
    this.prevClose = close;
    this.value = this.direction === 1 ? this.lowerBand : this.upperBand;
    return this.value;
  }

  reset(): void {
    this.atr.reset();
    this.prevClose = this.value = this.upperBand = this.lowerBand = NaN;
    this.direction = 0;
    this.ready = false;
  }

  static batch(
    high: ArrayLike<number>,
    low: ArrayLike<number>,
    close: ArrayLike<number>,
    period = 10,
    multiplier = 3,
  ): { value: Float64Array; direction: Int8Array } {
    const ind = new SuperTrend(period, multiplier);
    const n = close.length;
    const out = { value: new Float64Array(n), direction: new Int8Array(n) };
    for (let i = 0; i < n; i++) {
      ind.update(high[i], low[i], close[i]);
      out.value[i] = ind.value;
      out.direction[i] = ind.direction;
    }
    return out;
  }
}
