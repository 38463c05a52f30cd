/**
 * Session-anchored VWAP: sum(typical price * volume) / sum(volume), typical = (high + low + close) / 3,
 * restarting at the first bar of each session. A session is an Asia/Kolkata trading day: the anchor is
 * `sessionStartMinutesIst` after IST midnight (default 0, so every bar of one IST date, including MCX's
 * evening session, shares a session). India has no daylight saving, so the offset is a constant.
 * Warm-up: one bar with volume. Bars with zero volume (indices) leave the value NaN until volume arrives.
 */
const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

export class SessionVWAP {
  readonly warmup = 1;
  value = NaN;
  ready = false;
  /** The session number (IST days since the epoch) the value belongs to. */
  session = NaN;
  private pv = 0;
  private vol = 0;
  private readonly shiftMs: number;

  constructor(readonly sessionStartMinutesIst = 0) {
    if (
      !Number.isInteger(sessionStartMinutesIst) ||
      sessionStartMinutesIst < 0 ||
      sessionStartMinutesIst >= 1440
    ) {
      throw new RangeError(
        `VWAP session start must be 0..1439 minutes after IST midnight, got ${sessionStartMinutesIst}`,
      );
    }
    this.shiftMs = IST_OFFSET_MS - sessionStartMinutesIst * 60_000;
  }

  /** `time` is epoch ms UTC of the bar (its start). */
  update(high: number, low: number, close: number, volume: number, time: number): number {
    const session = Math.floor((time + this.shiftMs) / DAY_MS);
    if (session !== this.session) {
      this.session = session;
      this.pv = this.vol = 0;
      this.value = NaN;
      this.ready = false;
    }
    if (volume > 0) {
      this.pv += ((high + low + close) / 3) * volume;
      this.vol += volume;
      this.value = this.pv / this.vol;
      this.ready = true;
    }
    return this.value;
  }

  reset(): void {
    this.pv = this.vol = 0;
    this.value = this.session = NaN;
    this.ready = false;
  }

  static batch(
    high: ArrayLike<number>,
    low: ArrayLike<number>,
    close: ArrayLike<number>,
    volume: ArrayLike<number>,
    time: ArrayLike<number>,
    sessionStartMinutesIst = 0,
  ): Float64Array {
    const ind = new SessionVWAP(sessionStartMinutesIst);
    const out = new Float64Array(close.length);
    for (let i = 0; i < close.length; i++) out[i] = ind.update(high[i], low[i], close[i], volume[i], time[i]);
    return out;
  }
}
