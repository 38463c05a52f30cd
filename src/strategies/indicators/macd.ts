/**
 * MACD: EMA(fast) - EMA(slow), its EMA(signal) and the histogram. EMAs are SMA-seeded, so the MACD line
 * is ready after `slow` inputs and the signal after `slow + signal - 1`. Warm-up: `slow + signal - 1`.
 */
import { EMA } from './ema';

export class MACD {
  readonly warmup: number;
  macd = NaN;
  signal = NaN;
  histogram = NaN;
  ready = false;
  private readonly fastEma: EMA;
  private readonly slowEma: EMA;
  private readonly signalEma: EMA;

  constructor(
    readonly fast = 12,
    readonly slow = 26,
    readonly signalPeriod = 9,
  ) {
    if (fast >= slow)
      throw new RangeError(`MACD fast period (${fast}) must be below the slow period (${slow})`);
    this.fastEma = new EMA(fast);
    this.slowEma = new EMA(slow);
    this.signalEma = new EMA(signalPeriod);
    this.warmup = slow + signalPeriod - 1;
  }

  /** Returns the histogram (NaN until ready). */
  update(x: number): number {
    const f = this.fastEma.update(x);
    const s = this.slowEma.update(x);
    if (!this.slowEma.ready) return NaN;
    this.macd = f - s;
    this.signal = this.signalEma.update(this.macd);
    if (this.signalEma.ready) {
      this.ready = true;
      this.histogram = this.macd - this.signal;
    }
    return this.histogram;
  }

  reset(): void {
    this.fastEma.reset();
    this.slowEma.reset();
    this.signalEma.reset();
    this.macd = this.signal = this.histogram = NaN;
    this.ready = false;
  }

  static batch(
    values: ArrayLike<number>,
    fast = 12,
    slow = 26,
    signal = 9,
  ): { macd: Float64Array; signal: Float64Array; histogram: Float64Array } {
    const ind = new MACD(fast, slow, signal);
    const n = values.length;
    const out = { macd: new Float64Array(n), signal: new Float64Array(n), histogram: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      ind.update(values[i]);
      out.macd[i] = ind.macd;
      out.signal[i] = ind.signal;
      out.histogram[i] = ind.histogram;
    }
    return out;
  }
}
