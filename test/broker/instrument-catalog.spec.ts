import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { silentLogger } from '@/broker/broker-logger';
import { InstrumentCatalog } from '@/broker/instruments/instrument-catalog';
import { InstrumentEntity } from '@/broker/instruments/instrument.entity';
import { createTestDatabase } from '../support/test-db';

const master = [
  {
    token: '3045',
    symbol: 'SBIN-EQ',
    name: 'STATE BANK OF INDIA',
    expiry: '',
    strike: '-1.000000',
    lotsize: '1',
    instrumenttype: '',
    exch_seg: 'NSE',
    tick_size: '5.000000',
  },
  {
    token: '2885',
    symbol: 'RELIANCE-EQ',
    name: 'RELIANCE INDUSTRIES',
    expiry: '',
    strike: '-1.000000',
    lotsize: '1',
    instrumenttype: '',
    exch_seg: 'NSE',
    tick_size: '10.000000',
  },
  {
    token: '500112',
    symbol: 'SBIN',
    name: 'STATE BANK OF INDIA',
    expiry: '',
    strike: '-1.000000',
    lotsize: '1',
    instrumenttype: '',
    exch_seg: 'BSE',
    tick_size: '5.000000',
  },
  {
    token: '35078',
    symbol: 'NIFTY04APR2423000CE',
    name: 'NIFTY',
    expiry: '04Apr2024',
    strike: '2300000.000000',
    lotsize: '50',
    instrumenttype: 'OPTIDX',
    exch_seg: 'NFO',
    tick_size: '5.000000',
  },
];

describe('InstrumentCatalog (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let catalog: InstrumentCatalog;
  let file: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, entities: [InstrumentEntity], synchronize: false });
    await ds.initialize();
    catalog = new InstrumentCatalog(ds, silentLogger);
    file = join(mkdtempSync(join(tmpdir(), 'scrip-')), 'OpenAPIScripMaster.json');
    writeFileSync(file, JSON.stringify(master));
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('a view that first read the table while it was empty finds the instruments once another loads them', async () => {
    const early = new InstrumentCatalog(ds, silentLogger);
    await expect(early.get('NSE:SBIN-EQ')).resolves.toBeNull(); // the master is not loaded yet
    await early.ensure(true); // a directory's reload on a miss, still before the master is in
    await catalog.refresh(file);
    await new Promise((r) => setTimeout(r, 1_100)); // empty reads are retried at most once a second
    await expect(early.get('NSE:SBIN-EQ')).resolves.toMatchObject({ token: '3045' });
  });

  it('loads the master from a file into the instruments table', async () => {
    await expect(catalog.refresh(file)).resolves.toEqual({ stored: 4, skipped: 0 });
    expect(await catalog.count()).toBe(4);
    const row = await ds.query(`SELECT strike_paise, expiry::text FROM instruments WHERE token = '35078'`);
    expect(row).toEqual([{ strike_paise: '2300000', expiry: '2024-04-04' }]);
  });

  it('looks up by symbol and by exchange token, from a fresh process view of the table', async () => {
    const fresh = new InstrumentCatalog(ds, silentLogger);
    await expect(fresh.get('NSE:SBIN-EQ')).resolves.toMatchObject({
      token: '3045',
      tickSizePaise: 5,
      lotSize: 1,
    });
    await expect(fresh.getByToken('NFO', '35078')).resolves.toMatchObject({
      symbol: 'NFO:NIFTY04APR2423000CE',
      strikePaise: 2_300_000,
    });
    await expect(fresh.get('NSE:NOPE-EQ')).resolves.toBeNull();
  });

  it('searches by symbol prefix first, then by name, with exchange filter', async () => {
    const r = await catalog.search({ q: 'sbin' });
    expect(r.map((i) => i.symbol)).toEqual(['BSE:SBIN', 'NSE:SBIN-EQ']);
    expect((await catalog.search({ q: 'reliance ind' })).map((i) => i.symbol)).toEqual(['NSE:RELIANCE-EQ']);
    expect((await catalog.search({ q: 'state bank', exchange: 'NSE' })).map((i) => i.symbol)).toEqual([
      'NSE:SBIN-EQ',
    ]);
    expect(await catalog.search({ q: '%' })).toEqual([]);
  });

  it('replaces the whole table on refresh and keeps it when the new master is empty', async () => {
    writeFileSync(file, JSON.stringify(master.slice(0, 1)));
    await catalog.refresh(file);
    expect(await catalog.count()).toBe(1);
    writeFileSync(file, '[]');
    await expect(catalog.refresh(file)).rejects.toThrow(/no usable rows/);
    expect(await catalog.count()).toBe(1);
  });
});
