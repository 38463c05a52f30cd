/**
 * Stochastic oscillator. raw %K = 100 * (close - lowest low) / (highest high - lowest low) over
 * `kPeriod` bars (50 when the range is zero: no information is not "oversold"); %K = SMA(kSmoothing)
 * of raw %K (1 = fast stochastic, 3 = slow); %D = SMA(dPeriod) of %K.
 * Warm-up: kPeriod + kSmoothing + dPeriod - 2 bars.
 *
 * The highest high and lowest low share one block structure (see RollingExtreme) and the two small
 * SMAs are inlined: the composite costs about what two plain moving averages do.
 */
import { checkPeriod } from './period';

export class Stochastic {
  readonly warmup: number;
  k = NaN;
  d = NaN;
  ready = false;
  private readonly hiBuf: Float64Array;
  private readonly loBuf: Float64Array;
  private readonly hiSuf: Float64Array;
  private readonly loSuf: Float64Array;
  private pos = 0;
  private hiPre = -Infinity;
  private loPre = Infinity;
  private seen = 0;
  private readonly kBuf: Float64Array;
  private kIdx = 0;
  private kCount = 0;
  private kSum = 0;
  private readonly dBuf: Float64Array;
  private dIdx = 0;
  private dCount = 0;
  private dSum = 0;

  constructor(
    readonly kPeriod = 14,
    readonly dPeriod = 3,
    readonly kSmoothing = 1,
  ) {
    checkPeriod('Stochastic %K period', kPeriod);
    checkPeriod('Stochastic %D period', dPeriod);
    checkPeriod('Stochastic %K smoothing', kSmoothing);
    this.hiBuf = new Float64Array(kPeriod);
    this.loBuf = new Float64Array(kPeriod);
    this.hiSuf = new Float64Array(kPeriod).fill(-Infinity);
    this.loSuf = new Float64Array(kPeriod).fill(Infinity);
    this.kBuf = new Float64Array(kSmoothing);
    this.dBuf = new Float64Array(dPeriod);
    this.warmup = kPeriod + kSmoothing + dPeriod - 2;
  }

  /** Returns %K (NaN until ready). */
  update(high: number, low: number, close: number): number {
    const p = this.kPeriod;
    const pos = this.pos;
    this.hiBuf[pos] = high;
    this.loBuf[pos] = low;
    // Math.max/min compile to branch-free instructions; on noisy prices the comparisons would mispredict.
    const hiPre = pos === 0 ? high : Math.max(high, this.hiPre);
    const loPre = pos === 0 ? low : Math.min(low, this.loPre);
    this.hiPre = hiPre;
    this.loPre = loPre;
    let hh = hiPre;
    let ll = loPre;
    if (pos + 1 < p) {
      hh = Math.max(hh, this.hiSuf[pos + 1]);
      ll = Math.min(ll, this.loSuf[pos + 1]);
      this.pos = pos + 1;
    } else {
      this.rebuild();
      this.pos = 0;
    }
    if (this.seen < p && ++this.seen < p) return NaN;

    const range = hh - ll;
    const raw = range > 0 ? ((close - ll) / range) * 100 : 50;
    // %K = SMA(kSmoothing) of raw %K.
    const ks = this.kSmoothing;
    if (this.kCount < ks) this.kCount++;
    else this.kSum -= this.kBuf[this.kIdx];
    this.kSum += raw;
    this.kBuf[this.kIdx] = raw;
    if (++this.kIdx === ks) this.kIdx = 0;
    if (this.kCount < ks) return NaN;
    const k = ks === 1 ? raw : this.kSum / ks;
    this.k = k;
    // %D = SMA(dPeriod) of %K.
    const dp = this.dPeriod;
    if (this.dCount < dp) this.dCount++;
    else this.dSum -= this.dBuf[this.dIdx];
    this.dSum += k;
    this.dBuf[this.dIdx] = k;
    if (++this.dIdx === dp) this.dIdx = 0;
    if (this.dCount === dp) {
      this.d = this.dSum / dp;
      this.ready = true;
    }
    return k;
  }

  reset(): void {
    this.pos = this.seen = this.kIdx = this.kCount = this.kSum = this.dIdx = this.dCount = this.dSum = 0;
    this.hiPre = -Infinity;
    this.loPre = Infinity;
    this.hiSuf.fill(-Infinity);
    this.loSuf.fill(Infinity);
    this.k = this.d = NaN;
    this.ready = false;
  }

  private rebuild(): void {
    let h = -Infinity;
    let l = Infinity;
    for (let j = this.kPeriod - 1; j >= 0; j--) {
      h = Math.max(h, this.hiBuf[j]);
      l = Math.min(l, this.loBuf[j]);
      this.hiSuf[j] = h;
      this.loSuf[j] = l;
    }
    // Small running sums drift with float inputs: refresh them from their buffers once per block.
    let s = 0;
    for (let j = 0; j < this.kSmoothing; j++) s += this.kBuf[j];
    if (this.kCount === this.kSmoothing) this.kSum = s;
    s = 0;
    for (let j = 0; j < this.dPeriod; j++) s += this.dBuf[j];
    if (this.dCount === this.dPeriod) this.dSum = s;
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
