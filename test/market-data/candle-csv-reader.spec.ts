import { readCandleCsv, readCsvTime } from '@/market-data/storage/candle-csv-reader';
import { parseCandleCsv as importCsv } from '@/market-data/storage/candle-csv';
import { parseCandleCsv as backtestCsv } from '@/backtest/csv-candles';

const H = 'timestamp,open,high,low,close,volume';
const read = (rows: string[], o: Partial<Parameters<typeof readCandleCsv>[1]> = {}) =>
  readCandleCsv([H, ...rows].join('\n'), { duplicates: 'refuse', ...o });
const kinds = (issues: { line: number; kind: string }[]) => issues.map((i) => `${i.line}:${i.kind}`);
const bar = (t: string, o = '10', h = '11', l = '9', c = '10', v = '10') => `${t},${o},${h},${l},${c},${v}`;

describe('the shared candle CSV reader', () => {
  it.each([
    [
      'a zero low (any zero price, not only open or close)',
      bar('2026-01-05T09:15:00+05:30', '1', '1', '0', '1'),
      'BAD_PRICE',
    ],
    ['an empty volume', bar('2026-01-05T09:15:00+05:30', '10', '11', '9', '10', ''), 'BAD_VOLUME'],
    [
      'a volume in exponent form',
      bar('2026-01-05T09:15:00+05:30', '10', '11', '9', '10', '1e3'),
      'BAD_VOLUME',
    ],
    ['a price in exponent form', bar('2026-01-05T09:15:00+05:30', '1e1', '11', '9', '10'), 'BAD_PRICE'],
    ['epoch seconds with 11 digits', bar('17675847000'), 'BAD_TIMESTAMP'],
    ['an epoch with too many digits', bar('176758470000000'), 'BAD_TIMESTAMP'],
    ['a bare date in an intraday file', bar('2026-01-05'), 'BAD_TIMESTAMP'],
    ['an unterminated quote', '"2026-01-05T09:15:00+05:30,10,11,9,10,10', 'BAD_ROW'],
  ])('refuses %s with its line', (_name, row, kind) => {
    const r = read([bar('2026-01-05T09:14:00+05:30'), row], { interval: '1m' });
    expect(kinds(r.errors)).toEqual([`3:${kind}`]);
  });

  it('reads quoted cells, a byte-order mark, CRLF line ends and blank lines with true line numbers', () => {
    const text = `\uFEFF"Timestamp","Open",high,low,close,volume\r\n\r\n"2026-01-05T09:15:00+05:30","1,000.5",1001,999,1000,"7"\r\n`;
    const r = readCandleCsv(text, { duplicates: 'refuse' });
    expect(kinds(r.errors)).toEqual(['3:BAD_PRICE']); // "1,000.5" is one cell, and not a rupee amount
    const ok = readCandleCsv(text.replace('"1,000.5"', '"1000.5"'), { duplicates: 'refuse' });
    expect(ok.errors).toEqual([]);
    expect(ok.rows).toEqual([
      {
        line: 3,
        start: Date.parse('2026-01-05T03:45:00Z'),
        openPaise: 100_050,
        highPaise: 100_100,
        lowPaise: 99_900,
        closePaise: 100_000,
        volume: 7,
      },
    ]);
  });

  it('accepts a bare date as midnight IST in daily files only', () => {
    expect(readCsvTime('2026-01-05', true)).toBe(Date.parse('2026-01-05T00:00:00+05:30'));
    expect(typeof readCsvTime('2026-01-05')).toBe('string');
    const r = read([bar('2026-01-05'), bar('2026-01-06')], { interval: '1d' });
    expect(r.errors).toEqual([]);
    expect(r.rows).toHaveLength(2);
  });

  it('tells a repeated bar from an out-of-order one anywhere in the file', () => {
    const rows = [
      bar('2026-01-05T09:15:00+05:30'),
      bar('2026-01-05T09:16:00+05:30'),
      bar('2026-01-05T09:17:00+05:30'),
      bar('2026-01-05T09:15:00+05:30'), // identical to line 2
      bar('2026-01-05T09:16:00+05:30', '10', '11', '9', '11'), // differs from line 3
      bar('2026-01-05T09:16:30+05:30'), // earlier than line 4, never seen
    ];
    const refused = read(rows);
    expect(kinds(refused.errors)).toEqual([
      '5:DUPLICATE_TIMESTAMP',
      '6:DUPLICATE_TIMESTAMP',
      '7:UNORDERED_TIMESTAMP',
    ]);
    expect(refused.errors[0].message).toContain('repeats line 2');
    expect(refused.errors[1].message).toContain('first on line 3');
    const reported = read(rows, { duplicates: 'report' });
    expect(kinds(reported.errors)).toEqual(['6:DUPLICATE_TIMESTAMP', '7:UNORDERED_TIMESTAMP']);
    expect(reported.duplicates).toEqual([{ line: 5, firstLine: 2, timestamp: '2026-01-05T09:15:00+05:30' }]);
  });

  it('caps the findings and says how many more there were', () => {
    const rows = Array.from({ length: 30 }, (_, i) =>
      bar(`2026-01-05T09:${String(15 + i).padStart(2, '0')}:00`),
    );
    const r = read(rows, { maxIssues: 5 });
    expect(r.errors).toHaveLength(6);
    expect(r.errors[5]).toMatchObject({ line: 0, kind: 'TRUNCATED', message: '... and 25 more errors' });
  });

  it('refuses a file with a header and no rows, and an empty file', () => {
    expect(kinds(read([]).errors)).toEqual(['1:EMPTY']);
    expect(kinds(readCandleCsv('\n\n', { duplicates: 'refuse' }).errors)).toEqual(['1:EMPTY']);
  });

  it('applies the same rules behind the import and the backtester, differing only on identical repeats', () => {
    const rows = [
      bar('2026-01-05T09:15:00+05:30'),
      bar('2026-01-05T09:18:00+05:30', '10', '11', '9', '10', '0'),
    ];
    const text = [H, ...rows, rows[1]].join('\n');
    const imported = importCsv(text, '1m');
    expect(imported.ok && imported.duplicates).toEqual([
      { line: 4, firstLine: 3, timestamp: '2026-01-05T09:18:00+05:30' },
    ]);
    expect(imported.ok && kinds(imported.warnings!)).toEqual(['3:GAP', '3:ZERO_VOLUME']);
    const backtest = backtestCsv(text, { symbol: 'NSE:SBIN-EQ', interval: '1m' });
    expect(!backtest.ok && kinds(backtest.errors)).toEqual(['4:DUPLICATE_TIMESTAMP']);
    const unordered = [H, rows[1], rows[0]].join('\n');
    expect(importCsv(unordered)).toEqual({
      ok: false,
      errors: [{ line: 3, reason: expect.stringContaining('earlier than line 2') as string }],
    });
  });
});
