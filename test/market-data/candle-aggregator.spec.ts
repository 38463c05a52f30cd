import fc from 'fast-check';
import type { Candle, Interval, Tick } from '@/domain/market';
import { INTERVALS } from '@/domain/market';
import { CandleAggregator } from '@/market-data/candles/candle-aggregator';
import { MarketCalendar, segmentOf } from '@/market-data/calendar/market-calendar';
import { generateTicks } from './tick-generator';

const IST = 330 * 60_000;
const MINUTES: Record<Exclude<Interval, '1d'>, number> = {
  '1m': 1,
  '3m': 3,
  '5m': 5,
  '15m': 15,
  '30m': 30,
  '1h': 60,
};
const HOLIDAYS = new Set(['2025-03-14']);

/**
 * An independent offline computation: IST wall-clock arithmetic on each trade, grouped by key, with the
 * volume rule applied per day. It shares no code with the aggregator.
 */
function offlineCandles(ticks: Tick[]): Map<string, Candle> {
  const out = new Map<string, Candle>();
  const last = new Map<string, { date: string; vol: number }>();
  for (const tk of ticks) {
    const wall = new Date(tk.exchangeTime + IST);
    const date = wall.toISOString().slice(0, 10);
    const minuteOfDay = wall.getUTCHours() * 60 + wall.getUTCMinutes();
    let delta = 0;
    let trade = true;
    if (tk.volume !== undefined) {
      const prev = last.get(tk.symbol);
      if (!prev || prev.date !== date || tk.volume < prev.vol) delta = tk.lastQuantity ?? 0;
      else if (tk.volume === prev.vol) trade = false;
      else delta = tk.volume - prev.vol;
      last.set(tk.symbol, { date, vol: tk.volume });
    }
    const inSession = !HOLIDAYS.has(date) && minuteOfDay >= 9 * 60 + 15 && minuteOfDay < 15 * 60 + 30;
    if (!trade || !inSession) continue;
    const midnight = Date.parse(`${date}T00:00:00+05:30`);
    for (const interval of INTERVALS) {
      const sinceOpen = minuteOfDay - (9 * 60 + 15);
      const startMinute =
        interval === '1d' ? 555 : 555 + Math.floor(sinceOpen / MINUTES[interval]) * MINUTES[interval];
      const start = midnight + startMinute * 60_000;
      const key = `${tk.symbol}|${interval}|${start}`;
      const c = out.get(key);
      if (!c) {
        out.set(key, {
          symbol: tk.symbol,
          interval,
          start,
          openPaise: tk.ltpPaise,
          highPaise: tk.ltpPaise,
          lowPaise: tk.ltpPaise,
          closePaise: tk.ltpPaise,
          volume: delta,
          closed: true,
        });
      } else {
        c.highPaise = Math.max(c.highPaise, tk.ltpPaise);
        c.lowPaise = Math.min(c.lowPaise, tk.ltpPaise);
        c.closePaise = tk.ltpPaise;
        c.volume += delta;
      }
    }
  }
  return out;
}

function aggregate(ticks: Tick[]): { closed: Candle[]; agg: CandleAggregator } {
  const cal = new MarketCalendar();
  const closed: Candle[] = [];
  const agg = new CandleAggregator({
    sessionOf: (ex, t) => cal.sessionAt(segmentOf(ex), t),
    onClose: (c) => closed.push(c),
  });
  for (const t of ticks) agg.onTick(t);
  agg.flushAll();
  return { closed, agg };
}

const key = (c: Candle) => `${c.symbol}|${c.interval}|${c.start}`;

describe('CandleAggregator', () => {
  // Thu 13 Mar, Fri 14 Mar (Holi, closed), Mon 17 Mar 2025.
  const dates = ['2025-03-13', '2025-03-14', '2025-03-17'];
  const ticks = [
    ...generateTicks({ symbol: 'NSE:SBIN-EQ', dates, seed: 7 }),
    ...generateTicks({ symbol: 'NSE:INFY-EQ', dates, seed: 11, startPaise: 150_000 }),
    ...generateTicks({ symbol: 'NSE:NIFTY', dates, seed: 13, withVolume: false, token: '99926000' }),
  ].sort((a, b) => a.exchangeTime - b.exchangeTime);

  it('candles of every interval from simulated ticks agree with candles computed offline from the same ticks', () => {
    const { closed } = aggregate(ticks);
    const expected = offlineCandles(ticks);
    expect(closed.length).toBe(expected.size);
    for (const c of closed) expect(c).toEqual(expected.get(key(c)));
    for (const interval of INTERVALS) expect(closed.some((c) => c.interval === interval)).toBe(true);
  });

  it('aligns to the session: the first hour is 09:15-10:15 IST, the last hour candle starts 15:15, the day at 09:15', () => {
    const { closed } = aggregate(ticks);
    const hours = closed.filter(
      (c) =>
        c.symbol === 'NSE:SBIN-EQ' &&
        c.interval === '1h' &&
        c.start < Date.parse('2025-03-14T00:00:00+05:30'),
    );
    expect(hours.map((c) => new Date(c.start + IST).toISOString().slice(11, 16))).toEqual([
      '09:15',
      '10:15',
      '11:15',
      '12:15',
      '13:15',
      '14:15',
      '15:15',
    ]);
    const day = closed.find((c) => c.symbol === 'NSE:SBIN-EQ' && c.interval === '1d')!;
    expect(day.start).toBe(Date.parse('2025-03-13T09:15:00+05:30'));
  });

  it('builds nothing on an NSE holiday and leaves minutes without trades as gaps', () => {
    const { closed } = aggregate(ticks);
    const holiday = closed.filter((c) => new Date(c.start + IST).toISOString().startsWith('2025-03-14'));
    expect(holiday).toEqual([]);
    const minutes = closed.filter((c) => c.symbol === 'NSE:SBIN-EQ' && c.interval === '1m').length;
    expect(minutes).toBeLessThan(2 * 375);
  });

  it('daily volume equals the sum of its minute volumes and of its hour volumes', () => {
    const { closed } = aggregate(ticks);
    const sum = (iv: Interval) =>
      closed.filter((c) => c.symbol === 'NSE:INFY-EQ' && c.interval === iv).reduce((s, c) => s + c.volume, 0);
    expect(sum('1m')).toBe(sum('1d'));
    expect(sum('1h')).toBe(sum('1d'));
    expect(sum('1d')).toBeGreaterThan(0);
  });

  it('shows the forming candle live and closes it on flush once its bucket has ended', () => {
    const closed: Candle[] = [];
    const cal = new MarketCalendar();
    const agg = new CandleAggregator({
      intervals: ['1m'],
      sessionOf: (ex, t) => cal.sessionAt(segmentOf(ex), t),
      onClose: (c) => closed.push(c),
    });
    const t0 = Date.parse('2025-03-13T10:00:05+05:30');
    const base: Tick = {
      symbol: 'NSE:SBIN-EQ',
      token: '3045',
      exchange: 'NSE',
      mode: 'QUOTE',
      exchangeTime: t0,
      receivedAt: t0,
      ltpPaise: 70_000,
      volume: 1000,
      lastQuantity: 10,
    };
    agg.onTick(base);
    agg.onTick({ ...base, exchangeTime: t0 + 1000, ltpPaise: 70_100, volume: 1030, lastQuantity: 30 });
    agg.onTick({ ...base, exchangeTime: t0 + 2000, ltpPaise: 69_900, volume: 1030 }); // quote refresh, no trade
    expect(agg.forming('NSE:SBIN-EQ', '1m')).toMatchObject({
      openPaise: 70_000,
      highPaise: 70_100,
      lowPaise: 70_000,
      closePaise: 70_100,
      volume: 40,
      closed: false,
    });
    expect(agg.flush(t0 + 30_000)).toBe(0);
    expect(agg.flush(Date.parse('2025-03-13T10:01:00+05:30'))).toBe(1);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ closed: true, volume: 40 });
    expect(agg.forming('NSE:SBIN-EQ', '1m')).toBeNull();
  });

  it('drops a late tick for a bucket that already closed and counts it', () => {
    const cal = new MarketCalendar();
    const agg = new CandleAggregator({
      intervals: ['1m'],
      sessionOf: (ex, t) => cal.sessionAt(segmentOf(ex), t),
    });
    const t0 = Date.parse('2025-03-13T10:00:05+05:30');
    const base: Tick = {
      symbol: 'X',
      token: '1',
      exchange: 'NSE',
      mode: 'LTP',
      exchangeTime: t0 + 60_000,
      receivedAt: 0,
      ltpPaise: 100,
    };
    agg.onTick(base);
    agg.onTick({ ...base, exchangeTime: t0, ltpPaise: 1 });
    expect(agg.stats.late).toBe(1);
    expect(agg.forming('X', '1m')!.lowPaise).toBe(100);
  });

  it('for any trade sequence, OHLC stay ordered (low <= open, close <= high) and volumes add up across intervals', () => {
    const start = Date.parse('2025-03-13T09:15:00+05:30');
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 120_000 }),
            price: fc.integer({ min: 1, max: 1_000_000 }),
            qty: fc.integer({ min: 1, max: 1000 }),
          }),
          { minLength: 1, maxLength: 200 },
        ),
        (steps) => {
          let t = start;
          let vol = 0;
          const tks: Tick[] = steps.map((s) => {
            t += s.dt;
            vol += s.qty;
            return {
              symbol: 'P',
              token: '1',
              exchange: 'NSE',
              mode: 'QUOTE',
              exchangeTime: t,
              receivedAt: t,
              ltpPaise: s.price,
              volume: vol,
              lastQuantity: s.qty,
            };
          });
          const { closed } = aggregate(tks);
          for (const c of closed) {
            expect(c.lowPaise).toBeLessThanOrEqual(Math.min(c.openPaise, c.closePaise));
            expect(c.highPaise).toBeGreaterThanOrEqual(Math.max(c.openPaise, c.closePaise));
          }
          const total = (iv: Interval) =>
            closed.filter((c) => c.interval === iv).reduce((s, c) => s + c.volume, 0);
          for (const iv of INTERVALS) expect(total(iv)).toBe(total('1m'));
        },
      ),
      { numRuns: 60 },
    );
  });
});
