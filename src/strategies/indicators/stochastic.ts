/**
 * Stochastic oscillator. raw %K = 100 * (close - lowest low) / (highest high - lowest low) over
 * `kPeriod` bars (50 when the range is zero: no information is not "oversold"); %K = SMA(kSmoothing)
 * of raw %K (1 = fast stochastic, 3 = slow); %D = SMA(dPeriod) of %K.
 * Warm-up: kPeriod + kSmoothing + dPeriod - 2 bars.
 *
 * Rolling highest high and lowest low share one van Herk / Gil-Werman block structure (as in
 * RollingExtreme): the window is the head of the current block (a running prefix extreme) plus the
 * tail of the previous one (suffix extremes rebuilt once per block), so an update is amortised O(1)
 * with two comparisons per side and no allocation. Measured against monotonic deques over typed
 * arrays on noisy prices, this is about twice as fast: a deque's pop loop ends at a data-dependent
 * point the branch predictor keeps missing.
 *
 * Speed notes (bench/indicators.bench.ts): `update` stays far under V8's inlining size (warm-up,
 * smoothing and block ends are separate small methods), because a non-inlined update returns its
 * number boxed, one allocation per bar; highs and lows share interleaved rings; extremes are taken
 * without branches (see `larger`); %K and %D multiply by reciprocals instead of dividing.
 */
import { checkPeriod } from './period';

/**
 * The larger / smaller of two finite numbers without a branch, as (a + b +/- |a - b|) / 2: on noisy
 * prices a compare mispredicts often, and V8 compiles both a ternary and Math.max to one. Exact for
 * integer paise (every price the platform produces); within one unit in the last place for
 * fractional inputs. NaN propagates, as with Math.max.
 */
function larger(a: number, b: number): number {
  return (a + b + Math.abs(a - b)) * 0.5;
}

function smaller(a: number, b: number): number {
  return (a + b - Math.abs(a - b)) * 0.5;
}

export class Stochastic {
  readonly warmup: number;
  k = NaN;
  d = NaN;
  ready = false;
  /** This block's highs and lows, interleaved: [h0, l0, h1, l1, ...]. */
  private readonly buf: Float64Array;
  /**
   * Suffix extremes of the previous block, interleaved. Before the first block completes they hold
   * zeros (or a previous run's values after reset), but those windows are warm-up bars whose extremes
   * are never used: the first raw %K comes at bar kPeriod, which closes the first block.
   */
  private readonly suf: Float64Array;
  private pos = 0;
  private hiPre = 0;
  private loPre = 0;
  private readonly kBuf: Float64Array;
  private kIdx = 0;
  private kSum = 0;
  private readonly dBuf: Float64Array;
  private dIdx = 0;
  private dSum = 0;
  // Multiplying by a reciprocal keeps a ~15-cycle division off each update's dependency chain.
  private readonly kScale: number;
  private readonly dScale: number;
  private seen = 0;
  private blocks = 0;

  constructor(
    readonly kPeriod = 14,
    readonly dPeriod = 3,
    readonly kSmoothing = 1,
  ) {
    checkPeriod('Stochastic %K period', kPeriod);
    checkPeriod('Stochastic %D period', dPeriod);
    checkPeriod('Stochastic %K smoothing', kSmoothing);
    this.buf = new Float64Array(2 * kPeriod);
    this.suf = new Float64Array(2 * kPeriod);
    this.kBuf = new Float64Array(kSmoothing);
    this.dBuf = new Float64Array(dPeriod);
    this.kScale = 1 / kSmoothing;
    this.dScale = 1 / dPeriod;
    this.warmup = kPeriod + kSmoothing + dPeriod - 2;
  }

  /** Returns %K (NaN until ready). */
  update(high: number, low: number, close: number): number {
    const pos = this.pos;
    const b = this.buf;
    b[2 * pos] = high;
    b[2 * pos + 1] = low;
    let hh = high;
    let ll = low;
    if (pos !== 0) {
      hh = larger(high, this.hiPre);
      ll = smaller(low, this.loPre);
    }
    this.hiPre = hh;
    this.loPre = ll;
    if (pos + 1 < this.kPeriod) {
      this.pos = pos + 1;
      // The window is this block's head plus the previous block's tail from pos + 1.
      hh = larger(hh, this.suf[2 * pos + 2]);
      ll = smaller(ll, this.suf[2 * pos + 3]);
    } else this.endBlock(); // the window is exactly this block
    if (this.seen < this.warmup) return this.warmingUp(hh, ll, close);
    return this.smooth(hh, ll, close);
  }

  /** Steady state: raw %K into both running sums (the warm-up left every ring full). */
  private smooth(hh: number, ll: number, close: number): number {
    const range = hh - ll;
    const raw = range > 0 ? ((close - ll) / range) * 100 : 50;
    const ki = this.kIdx;
    const kSum = this.kSum - this.kBuf[ki] + raw;
    this.kSum = kSum;
    this.kBuf[ki] = raw;
    this.kIdx = ki + 1 === this.kSmoothing ? 0 : ki + 1;
    const k = this.kSmoothing === 1 ? raw : kSum * this.kScale;
    const di = this.dIdx;
    const dSum = this.dSum - this.dBuf[di] + k;
    this.dSum = dSum;
    this.dBuf[di] = k;
    this.dIdx = di + 1 === this.dPeriod ? 0 : di + 1;
    this.k = k;
    this.d = dSum * this.dScale;
    return k;
  }

  reset(): void {
    this.pos = this.seen = this.blocks = this.kIdx = this.kSum = this.dIdx = this.dSum = 0;
    this.hiPre = this.loPre = 0;
    // The steady-state update subtracts the slot it overwrites: warm-up relies on zeroed rings.
    this.kBuf.fill(0);
    this.dBuf.fill(0);
    this.k = this.d = NaN;
    this.ready = false;
  }

  /** The first `warmup` bars: the same sums as the steady state, with each stage starting in turn. */
  private warmingUp(hh: number, ll: number, close: number): number {
    const n = ++this.seen; // bars so far, this one included
    const p = this.kPeriod;
    if (n < p) return NaN;
    const range = hh - ll;
    const raw = range > 0 ? ((close - ll) / range) * 100 : 50;
    const ks = this.kSmoothing;
    this.kSum = this.kSum - this.kBuf[this.kIdx] + raw;
    this.kBuf[this.kIdx] = raw;
    this.kIdx = this.kIdx + 1 === ks ? 0 : this.kIdx + 1;
    if (n < p + ks - 1) return NaN;
    const k = ks === 1 ? raw : this.kSum * this.kScale;
    this.k = k;
    this.dSum = this.dSum - this.dBuf[this.dIdx] + k;
    this.dBuf[this.dIdx] = k;
    this.dIdx = this.dIdx + 1 === this.dPeriod ? 0 : this.dIdx + 1;
    if (n === this.warmup) {
      this.d = this.dSum * this.dScale;
      this.ready = true;
    }
    return k;
  }

  /** A block is complete: its suffix extremes serve the next block's window; a new prefix starts. */
  private endBlock(): void {
    this.pos = 0;
    const b = this.buf;
    const sf = this.suf;
    let h = b[2 * this.kPeriod - 2];
    let l = b[2 * this.kPeriod - 1];
    for (let j = 2 * this.kPeriod - 2; j >= 0; j -= 2) {
      const x = b[j];
      const y = b[j + 1];
      h = larger(x, h);
      l = smaller(y, l);
      sf[j] = h;
      sf[j + 1] = l;
    }
    // Running sums of fractional values drift: refresh them from their rings every 64 blocks.
    if (++this.blocks === 64) this.refreshSums();
  }

  private refreshSums(): void {
    this.blocks = 0;
    let s = 0;
    for (let j = 0; j < this.kSmoothing; j++) s += this.kBuf[j];
    this.kSum = s;
    s = 0;
    for (let j = 0; j < this.dPeriod; j++) s += this.dBuf[j];
    this.dSum = s;
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
