import { candlesToCsv, parseCandleCsv, parseCsvTime } from '@/market-data/storage/candle-csv';

const header = 'timestamp,open,high,low,close,volume';

describe('candle CSV', () => {
  it('parses ISO-8601 with offset and epoch ms, rupees to paise, in any column order', () => {
    const r = parseCandleCsv(
      `volume,timestamp,open,high,low,close\n100,2025-03-13T09:15:00+05:30,812.5,813.05,811,812.95\n50,1741838160000,812.95,813,812.9,813\n`,
    );
    expect(r).toEqual({
      ok: true,
      duplicates: [],
      rows: [
        {
          line: 2,
          start: Date.parse('2025-03-13T03:45:00Z'),
          openPaise: 81_250,
          highPaise: 81_305,
          lowPaise: 81_100,
          closePaise: 81_295,
          volume: 100,
        },
        {
          line: 3,
          start: 1741838160000,
          openPaise: 81_295,
          highPaise: 81_300,
          lowPaise: 81_290,
          closePaise: 81_300,
          volume: 50,
        },
      ],
    });
  });

  it('refuses a local time without an offset, which would be ambiguous', () => {
    expect(parseCsvTime('2025-03-13T09:15:00')).toBeNull();
    expect(parseCsvTime('2025-03-13 09:15:00+0530')).toBe(Date.parse('2025-03-13T03:45:00Z'));
  });

  it.each([
    [`timestamp,open,high,low,close\n2025-03-13T09:15:00Z,1,1,1,1\n`, 1, 'missing column(s): volume'],
    [`${header}\n2025-03-13T09:15:00Z,1,1,1,1,1\n\nyesterday,1,1,1,1,1\n`, 4, 'unparsable time'],
    [`${header}\n2025-03-13T09:15:00Z,-1,1,1,1,1\n`, 2, 'open is negative'],
    [`${header}\n2025-03-13T09:15:00Z,1,NaN,1,1,1\n`, 2, 'high is not a number'],
    [`${header}\n2025-03-13T09:15:00Z,1,1,2,1,1\n`, 2, 'high 1 is below low 2'],
    [`${header}\n2025-03-13T09:15:00Z,1,1,1,1,-5\n`, 2, 'volume'],
    [`${header}\n2025-03-13T09:15:00Z,5,9,1,4,1\n2025-03-13T09:15:00Z,5,9,1,3,1\n`, 3, 'duplicate timestamp'],
  ])('refuses a bad file with the line number and the reason (%#)', (csv, line, reason) => {
    const r = parseCandleCsv(csv);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0].line).toBe(line);
    expect(r.errors[0].reason).toContain(reason);
  });

  it('reports an identical repeated row as a duplicate and keeps it once', () => {
    const r = parseCandleCsv(`${header}\n2025-03-13T09:15:00Z,5,9,1,4,1\n2025-03-13T09:15:00Z,5,9,1,4,1\n`);
    expect(r.ok && r.rows).toHaveLength(1);
    expect(r.ok && r.duplicates).toEqual([{ line: 3, firstLine: 2, timestamp: '2025-03-13T09:15:00Z' }]);
  });

  it('exports IST times and rupee decimals that parse back to the same candles', () => {
    const candles = [
      {
        start: Date.parse('2025-03-13T03:45:00Z'),
        openPaise: 81_250,
        highPaise: 81_305,
        lowPaise: 81_100,
        closePaise: 81_295,
        volume: 100,
      },
    ];
    const csv = candlesToCsv(candles);
    expect(csv).toBe(`${header}\n2025-03-13T09:15:00.000+05:30,812.50,813.05,811.00,812.95,100\n`);
    const back = parseCandleCsv(csv);
    expect(back.ok && back.rows.map(({ line: _l, ...c }) => c)).toEqual(candles);
  });
});
