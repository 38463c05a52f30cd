import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCandleCsv } from '@/backtest/csv-candles';

const H = 'timestamp,open,high,low,close,volume';
const load = (rows: string[], strict = false) =>
  parseCandleCsv([H, ...rows].join('\n'), { symbol: 'NSE:SBIN-EQ', interval: '1m', strict });
const findings = (r: ReturnType<typeof load>) =>
  (r.ok ? r.warnings : r.errors).map((i) => `${i.line}:${i.kind}`);

describe('candle CSV validation', () => {
  it('reads ISO-with-offset and epoch-ms timestamps and rupee prices into paise', () => {
    const r = load([
      '2026-01-05T09:15:00+05:30,500.05,501,499.5,500.5,1200',
      `${Date.parse('2026-01-05T03:46:00Z')},500.5,502,500,501.25,900`,
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.candles[0]).toMatchObject({
      start: Date.parse('2026-01-05T03:45:00Z'),
      openPaise: 50005,
      highPaise: 50100,
      lowPaise: 49950,
      closePaise: 50050,
      volume: 1200,
    });
    expect(r.candles[1].closePaise).toBe(50125);
  });

  it('refuses a missing column naming it', () => {
    const r = parseCandleCsv('timestamp,open,high,low,close\n2026-01-05T09:15:00+05:30,1,1,1,1', {
      symbol: 'X',
      interval: '1m',
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0].message).toContain("missing column 'volume'");
  });

  it.each([
    ['NaN price', '2026-01-05T09:15:00+05:30,NaN,1,1,1,10', 'BAD_PRICE'],
    ['negative price', '2026-01-05T09:15:00+05:30,-1,1,1,1,10', 'BAD_PRICE'],
    ['high below low', '2026-01-05T09:15:00+05:30,10,9,11,10,10', 'HIGH_BELOW_LOW'],
    ['close outside the range', '2026-01-05T09:15:00+05:30,10,11,9,12,10', 'OUTSIDE_RANGE'],
    ['timestamp without offset', '2026-01-05T09:15:00,10,11,9,10,10', 'BAD_TIMESTAMP'],
    ['epoch seconds', '1767584700,10,11,9,10,10', 'BAD_TIMESTAMP'],
    ['fractional volume', '2026-01-05T09:15:00+05:30,10,11,9,10,1.5', 'BAD_VOLUME'],
    ['short row', '2026-01-05T09:15:00+05:30,10,11', 'BAD_ROW'],
  ])('refuses %s with its line number', (_name, row, kind) => {
    const r = load(['2026-01-05T09:14:00+05:30,10,11,9,10,10', row]);
    expect(r.ok).toBe(false);
    expect(findings(r)).toContain(`3:${kind}`);
  });

  it('refuses duplicate and unordered timestamps', () => {
    const r = load([
      '2026-01-05T09:15:00+05:30,10,11,9,10,10',
      '2026-01-05T09:15:00+05:30,10,11,9,10,10',
      '2026-01-05T09:14:00+05:30,10,11,9,10,10',
    ]);
    expect(findings(r)).toEqual(['3:DUPLICATE_TIMESTAMP', '4:UNORDERED_TIMESTAMP']);
  });

  it('reports intraday gaps and zero volume as warnings, and refuses them when strict', () => {
    const rows = [
      '2026-01-05T09:15:00+05:30,10,11,9,10,10',
      '2026-01-05T09:18:00+05:30,10,11,9,10,0',
      '2026-01-06T09:15:00+05:30,10,11,9,10,10',
    ];
    const lenient = load(rows);
    expect(lenient.ok).toBe(true);
    expect(findings(lenient)).toEqual(['3:GAP', '3:ZERO_VOLUME']);
    expect(lenient.ok && lenient.warnings[0].message).toContain('2 missing 1m bar(s)');
    expect(load(rows, true).ok).toBe(false);
  });

  it('reports a missing weekday in daily files but not a weekend', () => {
    const d = (x: string) => `${x}T00:00:00+05:30,10,11,9,10,10`;
    const r = parseCandleCsv([H, d('2026-01-09'), d('2026-01-12'), d('2026-01-14')].join('\n'), {
      symbol: 'X',
      interval: '1d',
    });
    expect(findings(r)).toEqual(['4:GAP']);
  });

  it('accepts the shipped sample file', () => {
    const text = readFileSync(join(__dirname, '..', 'fixtures', 'sbin-1m-sample.csv'), 'utf8');
    const r = parseCandleCsv(text, { symbol: 'NSE:SBIN-EQ', interval: '1m' });
    expect(r.ok && r.candles.length).toBe(1500);
    expect(r.ok && r.warnings).toEqual([]);
  });
});
