import { DAY_MS, parseIstMinute } from '../ist';
import { CANDLE_INTERVALS, CandleHistory, checkCandleRange, type CandleInterval } from './candles';
import { buildInstruments } from './instruments';

const NOW = Date.UTC(2026, 10, 27, 8, 0, 0); // Friday 13:30 IST
const sbin = buildInstruments(42, NOW).find((i) => i.token === '3045')!;
const nifty = buildInstruments(42, NOW).find((i) => i.token === '99926000')!;
const ist = (s: string): number => parseIstMinute(s)!;

describe('candle history and the max-days rule (protocol §3.1)', () => {
  it.each(Object.entries(CANDLE_INTERVALS) as Array<[CandleInterval, { maxDays: number }]>)(
    '%s allows exactly %j calendar days',
    (interval, { maxDays }) => {
      const from = ist('2026-01-01 09:15');
      expect(checkCandleRange(interval, from, from + maxDays * DAY_MS)).toEqual({ ok: true });
      expect(checkCandleRange(interval, from, from + maxDays * DAY_MS + 60_000)).toMatchObject({
        ok: false,
        message: expect.stringContaining(String(maxDays)),
      });
    },
  );

  it('refuses a range that ends before it starts', () => {
    expect(checkCandleRange('ONE_DAY', ist('2026-01-02 09:15'), ist('2026-01-01 09:15')).ok).toBe(false);
  });

  it('returns only trading days, in session, with +05:30 timestamps', () => {
    const rows = new CandleHistory(42).candles(
      sbin,
      'ONE_HOUR',
      ist('2026-11-20 00:00'),
      ist('2026-11-24 23:59'),
      NOW,
    );
    const days = new Set(rows.map((r) => r[0].slice(0, 10)));
    expect([...days]).toEqual(['2026-11-20', '2026-11-23', '2026-11-24']); // Sat 21 and Sun 22 skipped
    expect(rows.filter((r) => r[0].startsWith('2026-11-20')).map((r) => r[0].slice(11))).toEqual([
      '09:15:00+05:30',
      '10:15:00+05:30',
      '11:15:00+05:30',
      '12:15:00+05:30',
      '13:15:00+05:30',
      '14:15:00+05:30',
      '15:15:00+05:30',
    ]);
  });

  it('is a pure function of the seed, and intervals agree with each other', () => {
    const from = ist('2026-11-23 09:15');
    const to = ist('2026-11-23 15:29');
    const a = new CandleHistory(42).candles(sbin, 'FIVE_MINUTE', from, to, NOW);
    expect(new CandleHistory(42).candles(sbin, 'FIVE_MINUTE', from, to, NOW)).toEqual(a);
    expect(new CandleHistory(43).candles(sbin, 'FIVE_MINUTE', from, to, NOW)).not.toEqual(a);
    const ones = new CandleHistory(42).candles(sbin, 'ONE_MINUTE', from, to, NOW);
    expect(a).toHaveLength(75);
    expect(ones).toHaveLength(375);
    const first5 = ones.slice(0, 5);
    expect(a[0]).toEqual([
      first5[0][0],
      first5[0][1],
      Math.max(...first5.map((r) => r[2])),
      Math.min(...first5.map((r) => r[3])),
      first5[4][4],
      first5.reduce((s, r) => s + r[5], 0),
    ]);
    const day = new CandleHistory(42).candles(
      sbin,
      'ONE_DAY',
      ist('2026-11-23 00:00'),
      ist('2026-11-23 23:59'),
      NOW,
    );
    expect(day).toEqual([
      [
        '2026-11-23T00:00:00+05:30',
        ones[0][1],
        Math.max(...ones.map((r) => r[2])),
        Math.min(...ones.map((r) => r[3])),
        ones[374][4],
        ones.reduce((s, r) => s + r[5], 0),
      ],
    ]);
  });

  it('never returns candles from the future, and gives indices zero volume', () => {
    const rows = new CandleHistory(42).candles(
      nifty,
      'FIFTEEN_MINUTE',
      ist('2026-11-27 09:15'),
      ist('2026-11-27 15:30'),
      NOW,
    );
    expect(rows.map((r) => r[0].slice(11, 16))).toEqual([
      '09:15',
      '09:30',
      '09:45',
      '10:00',
      '10:15',
      '10:30',
      '10:45',
      '11:00',
      '11:15',
      '11:30',
      '11:45',
      '12:00',
      '12:15',
      '12:30',
      '12:45',
      '13:00',
      '13:15',
      '13:30',
    ]);
    expect(rows.every((r) => r[5] === 0)).toBe(true);
  });
});
