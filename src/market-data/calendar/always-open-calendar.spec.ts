import { loadConfig } from '@/config/app-config';
import { bucketOf } from '@/market-data/candles/intervals';
import { CandleAggregator } from '@/market-data/candles/candle-aggregator';
import { StaleMonitor } from '@/market-data/feed/stale-monitor';
import type { Candle, Tick } from '@/domain/market';
import { AlwaysOpenCalendar, createMarketCalendar, marketAlwaysOpen } from './always-open-calendar';
import { istTime, toIstIso } from './ist';
import { MarketCalendar, type Segment } from './market-calendar';

const cal = new AlwaysOpenCalendar();
const at = (date: string, hm: string) => istTime(date, hm);
const SEGMENTS: Segment[] = ['equity', 'fno', 'currency', 'commodity'];

const BASE_ENV = {
  DATABASE_URL: 'postgres://u@127.0.0.1/db',
  SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
  ADMIN_PASSWORD: 'admin-password-for-tests',
};

describe('AlwaysOpenCalendar', () => {
  it('is open for every segment at night, on a weekend and on an NSE holiday', () => {
    const nse = new MarketCalendar();
    const instants = [
      at('2025-06-10', '02:00'), // weekday night
      at('2025-06-10', '20:00'), // weekday evening
      at('2025-06-14', '11:00'), // Saturday
      at('2025-03-14', '10:00'), // Holi
    ];
    for (const t of instants) {
      expect(nse.isOpen('equity', t)).toBe(false);
      for (const seg of SEGMENTS) expect(cal.isOpen(seg, t)).toBe(true);
    }
    expect(cal.isTradingDay('2025-06-14')).toBe(true);
  });

  it('sessions run 09:15 IST to 09:15 IST the next day and are dated by the day they open', () => {
    const s = cal.sessionAt('equity', at('2025-06-11', '03:00'));
    expect(s.date).toBe('2025-06-10');
    expect(toIstIso(s.open)).toBe('2025-06-10T09:15:00.000+05:30');
    expect(toIstIso(s.close)).toBe('2025-06-11T09:15:00.000+05:30');
    expect(cal.sessionAt('fno', at('2025-06-11', '09:14')).date).toBe('2025-06-10');
    // The open belongs to the new session (open inclusive, close exclusive).
    expect(cal.sessionAt('currency', at('2025-06-11', '09:15')).date).toBe('2025-06-11');
    expect(cal.session('2025-06-14', 'commodity')).toMatchObject({ kind: 'regular', covered: true });
  });

  it('answers consistently when instants jump backwards and forwards across session edges', () => {
    // The NSE calendar memoises the last IST day per segment; the override must not inherit that.
    const order = ['10:00', '03:00', '09:14', '09:15', '23:59', '00:00'];
    const dates = order.map((hm) => cal.sessionAt('equity', at('2025-06-11', hm)).date);
    expect(dates).toEqual([
      '2025-06-11',
      '2025-06-10',
      '2025-06-10',
      '2025-06-11',
      '2025-06-11',
      '2025-06-10',
    ]);
  });

  it('next and previous sessions step a day at a time from 09:15 IST', () => {
    expect(toIstIso(cal.nextOpen('equity', at('2025-06-14', '10:00')))).toBe('2025-06-15T09:15:00.000+05:30');
    expect(toIstIso(cal.nextOpen('equity', at('2025-06-14', '08:00')))).toBe('2025-06-14T09:15:00.000+05:30');
    expect(toIstIso(cal.previousSession('equity', at('2025-06-14', '08:00')).close)).toBe(
      '2025-06-13T09:15:00.000+05:30',
    );
    const days = cal.sessionsBetween('equity', at('2025-06-13', '12:00'), at('2025-06-16', '12:00'));
    expect(days.map((d) => d.date)).toEqual(['2025-06-13', '2025-06-14', '2025-06-15', '2025-06-16']);
  });

  it('keeps NSE candle alignment: the first hour is 09:15-10:15 and the day candle starts at 09:15', () => {
    const t = at('2025-06-11', '02:40');
    const s = cal.sessionAt('equity', t);
    const hour = bucketOf('1h', s, t);
    expect(toIstIso(hour.start)).toBe('2025-06-11T02:15:00.000+05:30');
    expect(toIstIso(hour.end)).toBe('2025-06-11T03:15:00.000+05:30');
    const day = bucketOf('1d', s, t);
    expect(toIstIso(day.start)).toBe('2025-06-10T09:15:00.000+05:30');
    expect(bucketOf('1h', s, at('2025-06-10', '09:20')).start).toBe(at('2025-06-10', '09:15'));
  });

  it('lets the candle aggregator build candles from night ticks that the NSE calendar drops', () => {
    const run = (calendar: MarketCalendar): Candle[] => {
      const closed: Candle[] = [];
      const agg = new CandleAggregator({
        intervals: ['1m'],
        sessionOf: (_ex, t) => calendar.sessionAt('equity', t),
        onClose: (c) => closed.push(c),
      });
      const t0 = at('2025-06-11', '02:00');
      for (let i = 0; i < 3; i++) agg.onTick(tick(t0 + i * 60_000, 800_00 + i * 10, 100 * (i + 1)));
      return closed;
    };
    expect(run(new MarketCalendar())).toEqual([]);
    const closed = run(cal);
    expect(closed.map((c) => [toIstIso(c.start), c.closePaise])).toEqual([
      ['2025-06-11T02:00:00.000+05:30', 800_00],
      ['2025-06-11T02:01:00.000+05:30', 800_10],
    ]);
  });

  it('makes stale detection apply at night, so a silent instrument is flagged', () => {
    const night = at('2025-06-11', '01:00');
    const nse = new StaleMonitor(new MarketCalendar(), 10_000);
    const always = new StaleMonitor(cal, 10_000);
    for (const m of [nse, always]) m.watch('NSE:SBIN-EQ', 'NSE', night);
    expect(nse.check(night + 60_000).stale).toEqual([]);
    expect(always.check(night + 60_000).stale).toEqual(['NSE:SBIN-EQ']);
  });
});

describe('createMarketCalendar', () => {
  const ANGEL = {
    ANGEL_API_KEY: 'key',
    ANGEL_CLIENT_CODE: 'C1',
    ANGEL_PIN: '1234',
    ANGEL_TOTP_SECRET: 'JBSWY3DPEHPK3PXP',
  };
  const cases: [Record<string, string>, boolean][] = [
    [{ TRADING_MODE: 'simulated' }, true],
    [{ TRADING_MODE: 'simulated', SIM_MARKET_HOURS: 'always' }, true],
    [{ TRADING_MODE: 'simulated', SIM_MARKET_HOURS: 'nse' }, false],
    [{ TRADING_MODE: 'paper', SIM_MARKET_HOURS: 'always', ...ANGEL }, false],
    [{ TRADING_MODE: 'live', LIVE_TRADING_CONFIRM: 'yes', SIM_MARKET_HOURS: 'always', ...ANGEL }, false],
  ];
  it.each(cases)('%j -> always open: %s', (env, always) => {
    const config = loadConfig({ ...BASE_ENV, ...env });
    expect(marketAlwaysOpen(config)).toBe(always);
    const made = createMarketCalendar(config);
    expect(made).toBeInstanceOf(MarketCalendar);
    expect(made instanceof AlwaysOpenCalendar).toBe(always);
    expect(made.isOpen('equity', at('2025-06-14', '11:00'))).toBe(always);
  });
});

function tick(time: number, ltpPaise: number, volume: number): Tick {
  return {
    symbol: 'NSE:SBIN-EQ',
    exchange: 'NSE',
    token: '3045',
    mode: 'LTP',
    exchangeTime: time,
    receivedAt: time,
    ltpPaise,
    volume,
    lastQuantity: 1,
  };
}
