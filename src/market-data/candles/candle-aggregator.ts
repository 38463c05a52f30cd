import type { Candle, Exchange, Interval, Tick } from '@/domain/market';
import { INTERVALS } from '@/domain/market';
import { DAY_MS, IST_OFFSET_MS } from '@/market-data/calendar/ist';
import { bucketOf, type SessionBounds } from './intervals';

export interface CandleAggregatorOptions {
  intervals?: readonly Interval[];
  /** The trading session containing t for this exchange, or null when it is closed (see MarketCalendar.sessionAt). */
  sessionOf: (exchange: Exchange, t: number) => SessionBounds | null;
  /** Called once per candle when its bucket ends (by a later tick or by `flush`). */
  onClose?: (candle: Candle) => void;
  /** Called for the forming candle after every trade that changes it; leave unset on hot paths that poll `forming`. */
  onUpdate?: (candle: Candle) => void;
}

interface Forming {
  start: number;
  end: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

interface SymbolState {
  exchange: Exchange;
  /** IST day number of the last tick, to detect the day change that resets cumulative volume. */
  day: number;
  lastVolume: number | undefined;
  forming: (Forming | undefined)[];
}

export interface AggregatorStats {
  trades: number;
  ignoredOutsideSession: number;
  ignoredNoTrade: number;
  late: number;
  closed: number;
}

/**
 * Builds candles of every configured interval from a tick stream.
 *
 * Rules (documented in docs/websocket.md, "Candles"):
 *  - Time is the exchange timestamp; buckets are aligned to the session open (see `bucketOf`).
 *  - A tick is a trade when it carries no cumulative volume (LTP mode) or its cumulative volume grew.
 *    Ticks whose volume did not change (quote refreshes) do not touch OHLC.
 *  - Volume is the delta of the day's cumulative volume. The first tick seen in a session (including
 *    after a restart mid-day) contributes only its last traded quantity, since what traded before it
 *    is unknown; a cumulative volume that falls is a reset and is treated the same way.
 *  - Ticks outside the session (pre-open auction, after close) move the volume baseline but build no
 *    candle, so pre-open volume is attributed to no candle.
 *  - Minutes without trades produce no candle: series have gaps, never synthetic flat candles.
 *  - A tick older than the forming bucket (out of order) is dropped for that interval and counted late.
 */
export class CandleAggregator {
  readonly intervals: readonly Interval[];
  private readonly states = new Map<string, SymbolState>();
  readonly stats: AggregatorStats = {
    trades: 0,
    ignoredOutsideSession: 0,
    ignoredNoTrade: 0,
    late: 0,
    closed: 0,
  };

  constructor(private readonly opts: CandleAggregatorOptions) {
    this.intervals = opts.intervals ?? INTERVALS;
  }

  /** Feeds one normalised tick. */
  onTick(tick: Tick): void {
    const t = tick.exchangeTime;
    let st = this.states.get(tick.symbol);
    if (!st) {
      st = {
        exchange: tick.exchange,
        day: -1,
        lastVolume: undefined,
        forming: new Array<Forming | undefined>(this.intervals.length),
      };
      this.states.set(tick.symbol, st);
    }
    const session = this.opts.sessionOf(tick.exchange, t);

    let delta = 0;
    let trade = true;
    if (tick.volume !== undefined) {
      const day = Math.floor((t + IST_OFFSET_MS) / DAY_MS);
      const fresh = st.lastVolume === undefined || tick.volume < st.lastVolume || day !== st.day;
      st.day = day;
      if (fresh) delta = tick.lastQuantity ?? 0;
      else if (tick.volume === st.lastVolume) trade = false;
      else delta = tick.volume - st.lastVolume!;
      st.lastVolume = tick.volume;
    }
    if (!session) {
      this.stats.ignoredOutsideSession++;
      return;
    }
    if (!trade) {
      this.stats.ignoredNoTrade++;
      return;
    }
    this.stats.trades++;
    const price = tick.ltpPaise;
    for (let i = 0; i < this.intervals.length; i++) {
      const interval = this.intervals[i];
      const b = bucketOf(interval, session, t);
      let f = st.forming[i];
      if (f && f.start !== b.start) {
        if (f.start > b.start) {
          this.stats.late++;
          continue;
        }
        this.emitClose(tick.symbol, interval, f);
        f = undefined;
      }
      if (!f) {
        f = { start: b.start, end: b.end, open: price, high: price, low: price, close: price, volume: delta };
        st.forming[i] = f;
      } else {
        if (price > f.high) f.high = price;
        if (price < f.low) f.low = price;
        f.close = price;
        f.volume += delta;
      }
      if (this.opts.onUpdate) this.opts.onUpdate(toCandle(tick.symbol, interval, f, false));
    }
  }

  /** Closes every forming candle whose bucket ended at or before `now` (call from a timer). Returns how many closed. */
  flush(now: number): number {
    let n = 0;
    for (const [symbol, st] of this.states) {
      for (let i = 0; i < this.intervals.length; i++) {
        const f = st.forming[i];
        if (f && f.end <= now) {
          this.emitClose(symbol, this.intervals[i], f);
          st.forming[i] = undefined;
          n++;
        }
      }
    }
    return n;
  }

  /** Closes everything still forming (shutdown, end of a replay). */
  flushAll(): number {
    return this.flush(Number.MAX_SAFE_INTEGER);
  }

  /** The live, still-forming candle, or null when no trade has happened in the current bucket. */
  forming(symbol: string, interval: Interval): Candle | null {
    const i = this.intervals.indexOf(interval);
    const f = i >= 0 ? this.states.get(symbol)?.forming[i] : undefined;
    return f ? toCandle(symbol, interval, f, false) : null;
  }

  /** Forgets a symbol (after unsubscribe), closing its forming candles first. */
  drop(symbol: string): void {
    const st = this.states.get(symbol);
    if (!st) return;
    st.forming.forEach((f, i) => f && this.emitClose(symbol, this.intervals[i], f));
    this.states.delete(symbol);
  }

  private emitClose(symbol: string, interval: Interval, f: Forming): void {
    this.stats.closed++;
    this.opts.onClose?.(toCandle(symbol, interval, f, true));
  }
}

function toCandle(symbol: string, interval: Interval, f: Forming, closed: boolean): Candle {
  return {
    symbol,
    interval,
    start: f.start,
    openPaise: f.open,
    highPaise: f.high,
    lowPaise: f.low,
    closePaise: f.close,
    volume: f.volume,
    closed,
  };
}
