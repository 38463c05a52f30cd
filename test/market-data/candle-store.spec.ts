import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { CandleEntity } from '@/market-data/storage/candle.entity';
import { CandleStore } from '@/market-data/storage/candle-store';
import { candlesToCsv, parseCandleCsv } from '@/market-data/storage/candle-csv';
import type { Candle } from '@/domain/market';
import { createTestDatabase } from '../support/test-db';

describe('CandleStore (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let store: CandleStore;
  const t0 = Date.parse('2025-03-13T09:15:00+05:30');
  const csv = [
    'timestamp,open,high,low,close,volume',
    ...[0, 1, 2].map(
      (i) => `${t0 + i * 60_000},${800 + i},${801 + i}.5,${799 + i},${800 + i}.25,${10 * (i + 1)}`,
    ),
  ].join('\n');

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, entities: [CandleEntity] });
    await ds.initialize();
    store = new CandleStore(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('imports a CSV, re-imports it as a no-op, and exports it back byte for byte', async () => {
    const parsed = parseCandleCsv(csv);
    if (!parsed.ok) throw new Error('fixture should parse');
    const first = await store.importRows('NSE:SBIN-EQ', '1m', parsed.rows);
    expect(first).toMatchObject({ inserted: 3, unchanged: 0, conflicts: [], replaced: 0 });
    const again = await store.importRows('NSE:SBIN-EQ', '1m', parsed.rows);
    expect(again).toMatchObject({ inserted: 0, unchanged: 3, conflicts: [] });
    const back = await store.range('NSE:SBIN-EQ', '1m', t0, t0 + 3 * 60_000, 100);
    expect(back.map((c) => c.closePaise)).toEqual([80_025, 80_125, 80_225]);
    const reparsed = parseCandleCsv(candlesToCsv(back));
    expect(reparsed.ok && reparsed.rows.map(({ line: _l, ...r }) => r)).toEqual(
      parsed.rows.map(({ line: _l, ...r }) => r),
    );
  });

  it('reports rows that differ from stored candles instead of merging them, and replaces them only when asked', async () => {
    const changed = parseCandleCsv(csv.replace(/,10$/m, ',11'));
    if (!changed.ok) throw new Error('fixture should parse');
    const r = await store.importRows('NSE:SBIN-EQ', '1m', changed.rows);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ line: 2, existing: { volume: 10 }, incoming: { volume: 11 } });
    expect((await store.range('NSE:SBIN-EQ', '1m', t0, t0 + 60_000, 1))[0].volume).toBe(10);
    const forced = await store.importRows('NSE:SBIN-EQ', '1m', changed.rows, { replace: true });
    expect(forced.replaced).toBe(1);
    expect((await store.range('NSE:SBIN-EQ', '1m', t0, t0 + 60_000, 1))[0].volume).toBe(11);
  });

  it('keeps stored candles on a keep-mode save (backfill) and overwrites on overwrite-mode save (live)', async () => {
    const c: Candle = {
      symbol: 'NSE:INFY-EQ',
      interval: '5m',
      start: t0,
      openPaise: 1,
      highPaise: 3,
      lowPaise: 1,
      closePaise: 2,
      volume: 5,
      closed: true,
    };
    expect(await store.save([c], 'ticks', 'overwrite')).toBe(1);
    expect(await store.save([{ ...c, closePaise: 3 }], 'broker', 'keep')).toBe(0);
    expect((await store.range('NSE:INFY-EQ', '5m', t0, t0 + 1, 1))[0].closePaise).toBe(2);
    await store.save([{ ...c, closePaise: 3 }], 'ticks', 'overwrite');
    expect((await store.range('NSE:INFY-EQ', '5m', t0, t0 + 1, 1))[0].closePaise).toBe(3);
    expect(await store.count('NSE:INFY-EQ', '5m', t0, t0 + 1)).toBe(1);
  });
});
