import { DAY_MS, SESSION_CLOSE_MIN, SESSION_OPEN_MIN, formatIstIso, isTradingDay, istDayStart } from '../ist';
import { Rng, deriveSeed } from '../random';
import type { SimInstrument } from './instruments';

/** SmartAPI interval names, their length in minutes and the max calendar days per request (protocol §3.1). */
export const CANDLE_INTERVALS = {
  ONE_MINUTE: { minutes: 1, maxDays: 30 },
  THREE_MINUTE: { minutes: 3, maxDays: 60 },
  FIVE_MINUTE: { minutes: 5, maxDays: 100 },
  TEN_MINUTE: { minutes: 10, maxDays: 100 },
  FIFTEEN_MINUTE: { minutes: 15, maxDays: 200 },
  THIRTY_MINUTE: { minutes: 30, maxDays: 200 },
  ONE_HOUR: { minutes: 60, maxDays: 400 },
  ONE_DAY: { minutes: 0, maxDays: 2000 },
} as const;
export type CandleInterval = keyof typeof CANDLE_INTERVALS;

export function isCandleInterval(v: unknown): v is CandleInterval {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(CANDLE_INTERVALS, v);
}

/** Wire row: `[iso+05:30, open, high, low, close, volume]`, rupee numbers. */
export type CandleRow = [string, number, number, number, number, number];

export type CandleRangeCheck = { ok: true } | { ok: false; message: string };

/** The max-days-per-interval rule on the calendar span between the two dates. */
export function checkCandleRange(interval: CandleInterval, from: number, to: number): CandleRangeCheck {
  if (to < from) return { ok: false, message: 'fromdate must not be after todate' };
  const max = CANDLE_INTERVALS[interval].maxDays;
  if (to - from > max * DAY_MS)
    return { ok: false, message: `${interval} allows at most ${max} days per request` };
  return { ok: true };
}

const SESSION_MINUTES = SESSION_CLOSE_MIN - SESSION_OPEN_MIN; // 375
const ANCHOR = Date.UTC(2015, 0, 1) - 330 * 60_000; // IST midnight, 1 Jan 2015

interface MinuteBar {
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

/**
 * Simulated history, a pure function of (seed, token, day): a daily close walk from a fixed anchor with
 * mean reversion to the instrument's base price, and inside each day a Brownian bridge of 375 one-minute
 * bars from the open to that close. Every interval is aggregated from the same minutes, so they agree.
 */
export class CandleHistory {
  private readonly closes = new Map<string, number[]>();

  constructor(private readonly seed: number) {}

  candles(
    instrument: SimInstrument,
    interval: CandleInterval,
    from: number,
    to: number,
    now: number,
  ): CandleRow[] {
    const end = Math.min(to, now);
    const rows: CandleRow[] = [];
    const size = CANDLE_INTERVALS[interval].minutes;
    for (let day = istDayStart(from); day <= end; day += DAY_MS) {
      if (!isTradingDay(day) || day < ANCHOR) continue;
      const bars = this.dayBars(instrument, day);
      if (size === 0) {
        const done = Math.min(
          SESSION_MINUTES,
          Math.floor((end - day - SESSION_OPEN_MIN * 60_000) / 60_000) + 1,
        );
        if (done > 0) rows.push(row(day, aggregate(bars, 0, done), instrument));
        continue;
      }
      for (let m = 0; m < SESSION_MINUTES; m += size) {
        const start = day + (SESSION_OPEN_MIN + m) * 60_000;
        if (start < from || start > end) continue;
        // The bucket holds only the minutes that have already happened.
        const done = Math.min(size, SESSION_MINUTES - m, Math.floor((now - start) / 60_000) + 1);
        if (done <= 0) continue;
        rows.push(row(start, aggregate(bars, m, m + done), instrument));
      }
    }
    return rows;
  }

  /** Close of the trading day `day` (IST midnight ms), in paise. */
  dayClose(instrument: SimInstrument, day: number): number {
    const idx = Math.round((day - ANCHOR) / DAY_MS);
    let arr = this.closes.get(instrument.token);
    if (!arr) {
      arr = [instrument.basePricePaise];
      this.closes.set(instrument.token, arr);
    }
    const rng = new Rng(0);
    while (arr.length <= idx) {
      const i = arr.length;
      const prev = arr[i - 1];
      if (!isTradingDay(ANCHOR + i * DAY_MS)) {
        arr.push(prev);
        continue;
      }
      rng.reseed(deriveSeed(this.seed, 'daily', instrument.token, i));
      const r = 0.015 * rng.normal() - 0.02 * Math.log(prev / instrument.basePricePaise);
      arr.push(tickRound(prev * Math.exp(r), instrument.tickSizePaise));
    }
    return arr[Math.max(0, idx)];
  }

  private dayBars(instrument: SimInstrument, day: number): MinuteBar[] {
    const tick = instrument.tickSizePaise;
    let prevDay = day - DAY_MS;
    while (!isTradingDay(prevDay)) prevDay -= DAY_MS;
    const prevClose = this.dayClose(instrument, prevDay);
    const close = this.dayClose(instrument, day);
    const rng = new Rng(deriveSeed(this.seed, 'intraday', instrument.token, day));
    const open = prevClose * Math.exp(0.004 * rng.normal());
    const n = SESSION_MINUTES;
    const w = new Array<number>(n + 1);
    w[0] = 0;
    for (let i = 1; i <= n; i++) w[i] = w[i - 1] + rng.normal();
    const sigma = 0.0007;
    const lo = Math.log(open);
    const lc = Math.log(close);
    const px = (i: number): number => Math.exp(lo + (i / n) * (lc - lo) + sigma * (w[i] - (i / n) * w[n]));
    const bars: MinuteBar[] = [];
    for (let i = 0; i < n; i++) {
      const o = tickRound(px(i), tick);
      const c = i === n - 1 ? close : tickRound(px(i + 1), tick);
      const wick = 1 + 0.0004 * Math.abs(rng.normal());
      const h = Math.max(o, c, tickRound(Math.max(o, c) * wick, tick));
      const l = Math.min(o, c, tickRound(Math.min(o, c) / wick, tick));
      const u = Math.abs(i - n / 2) / (n / 2); // U-shaped intraday volume
      const v = instrument.isIndex
        ? 0
        : instrument.lotSize * Math.round((5 + 40 * u * u) * (0.5 + rng.next()));
      bars.push({ o, h, l, c, v });
    }
    return bars;
  }
}

/** IST midnight of the last trading day before the one containing `ms`. */
export function previousTradingDay(ms: number): number {
  let day = istDayStart(ms) - DAY_MS;
  while (!isTradingDay(day)) day -= DAY_MS;
  return day;
}

function tickRound(paise: number, tick: number): number {
  return Math.max(tick, Math.round(paise / tick) * tick);
}

function aggregate(bars: MinuteBar[], from: number, to: number): MinuteBar {
  const out: MinuteBar = { o: bars[from].o, h: -Infinity, l: Infinity, c: bars[to - 1].c, v: 0 };
  for (let i = from; i < to; i++) {
    out.h = Math.max(out.h, bars[i].h);
    out.l = Math.min(out.l, bars[i].l);
    out.v += bars[i].v;
  }
  return out;
}

function row(start: number, b: MinuteBar, _i: SimInstrument): CandleRow {
  return [formatIstIso(start), b.o / 100, b.h / 100, b.l / 100, b.c / 100, b.v];
}
