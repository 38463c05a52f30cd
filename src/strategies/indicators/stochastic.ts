/**
 * Stochastic oscillator. raw %K = 100 * (close - lowest low) / (highest high - lowest low) over
 * `kPeriod` bars (50 when the range is zero: no information is not "oversold"); %K = SMA(kSmoothing)
 * of raw %K (1 = fast stochastic, 3 = slow); %D = SMA(dPeriod) of %K.
 * Warm-up: kPeriod + kSmoothing + dPeriod - 2 bars.
 */
import { checkPeriod } from './period';
import { RollingExtreme } from './rolling-extreme';
import { SMA } from './sma';

export class Stochastic {
  readonly warmup: number;
  k = NaN;
  d = NaN;
  ready = false;
  private readonly hi: RollingExtreme;
  private readonly lo: RollingExtreme;
  private readonly kSma: SMA;
  private readonly dSma: SMA;
  private count = 0;

  constructor(
    readonly kPeriod = 14,
    readonly dPeriod = 3,
    readonly kSmoothing = 1,
  ) {
    checkPeriod('Stochastic %K period', kPeriod);
    this.hi = new RollingExtreme(kPeriod, true);
    this.lo = new RollingExtreme(kPeriod, false);
    this.kSma = new SMA(kSmoothing);
    this.dSma = new SMA(dPeriod);
    this.warmup = kPeriod + kSmoothing + dPeriod - 2;
  }

  /** Returns %K (NaN until ready). */
  update(high: number, low: number, close: number): number {
    const hh = this.hi.update(high);
    const ll = this.lo.update(low);
    if (this.count < this.kPeriod && ++this.count < this.kPeriod) return NaN;
    const range = hh - ll;
    const raw = range > 0 ? ((close - ll) / range) * 100 : 50;
    this.k = this.kSma.update(raw);
    if (!this.kSma.ready) return NaN;
    this.d = this.dSma.update(this.k);
    this.ready = this.dSma.ready;
    return this.k;
  }

  reset(): void {
    this.hi.reset();
    this.lo.reset();
    this.kSma.reset();
    this.dSma.reset();
    this.count = 0;
    this.k = this.d = NaN;
    this.ready = false;
  }

  static batch(
    high: ArrayLike<number>,
    low: ArrayLike<number>,
    close: ArrayLike<number>,
    kPeriod = 14,
    dPeriod = 3,
    kSmoothing = 1,
  ): { k: Float64Array; d: Float64Array } {
    const ind = new Stochastic(kPeriod, dPeriod, kSmoothing);
    const n = close.length;
    const out = { k: new Float64Array(n), d: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      ind.update(high[i], low[i], close[i]);
      out.k[i] = ind.k;
      out.d[i] = ind.d;
    }
    return out;
  }
}
