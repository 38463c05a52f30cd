/**
 * Average true range with Wilder's smoothing. The first bar's true range is high - low (there is no
 * previous close); the first ATR is the mean of the first `period` true ranges, then
 * atr = (atr * (period - 1) + tr) / period. Warm-up: `period` bars.
 */
import { checkPeriod } from './period';

export class ATR {
  readonly warmup: number;
  value = NaN;
  /** The latest true range. */
  trueRange = NaN;
  ready = false;
  private prevClose = NaN;
  private count = 0;
  private acc = 0;

  constructor(readonly period = 14) {
    checkPeriod('ATR period', period);
    this.warmup = period;
  }

  update(high: number, low: number, close: number): number {
    const pc = this.prevClose;
    let tr = high - low;
    if (pc === pc) {
      const a = high > pc ? high - pc : pc - high;
      const b = low > pc ? low - pc : pc - low;
      if (a > tr) tr = a;
      if (b > tr) tr = b;
    }
    this.prevClose = close;
    this.trueRange = tr;
    const p = this.period;
    if (this.ready) {
      this.value = (this.value * (p - 1) + tr) / p;
    } else {
      this.acc += tr;
      if (++this.count === p) {
        this.value = this.acc / p;
        this.ready = true;
      }
    }
    return this.value;
  }

  reset(): void {
    this.prevClose = NaN;
    this.count = this.acc = 0;
    this.value = this.trueRange = NaN;
    this.ready = false;
  }

  static batch(
    high: ArrayLike<number>,
    low: ArrayLike<number>,
    close: ArrayLike<number>,
    period = 14,
  ): Float64Array {
    const ind = new ATR(period);
    const out = new Float64Array(close.length);
    for (let i = 0; i < close.length; i++) out[i] = ind.update(high[i], low[i], close[i]);
    return out;
  }
}
