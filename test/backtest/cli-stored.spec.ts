import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { parseCandleCsv } from '@/backtest/csv-candles';
import { CandleStore } from '@/market-data/storage/candle-store';
import { createTestDatabase } from '../support/test-db';

const ROOT = join(__dirname, '..', '..');
const CSV = join(ROOT, 'test', 'fixtures', 'sbin-1m-sample.csv');

function backtest(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'npm',
      ['run', '-s', 'backtest', '--', ...args],
      { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run backtest --from/--to (stored candles)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  const common = ['--symbol', 'NSE:SBIN-EQ', '--interval', '1m', '--param', 'fast=20', '--param', 'slow=50'];
  const range = ['--from', '2026-01-05T09:15:00+05:30', '--to', '2026-01-31T00:00:00+05:30'];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'backtest-stored-'));
    const loaded = parseCandleCsv(readFileSync(CSV, 'utf8'), { symbol: 'NSE:SBIN-EQ', interval: '1m' });
    if (!loaded.ok) throw new Error('fixture refused');
    const ds = new DataSource({ type: 'postgres', url: db.url });
    await ds.initialize();
    await new CandleStore(ds).save(loaded.candles, 'import', 'overwrite');
    await ds.destroy();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('backtests the stored candles exactly as the same candles from the CSV, and refuses bad sources', async () => {
    const env = { DATABASE_URL: db.url };
    const [stored, csv, empty, both] = await Promise.all([
      backtest([...common, ...range, '--fees', 'none', '--json', join(dir, 'stored.json')], env),
      backtest([...common, '--csv', CSV, '--fees', 'none', '--json', join(dir, 'csv.json')], env),
      backtest([...common, '--from', '2020-01-01T00:00:00Z', '--to', '2020-02-01T00:00:00Z'], env),
      backtest([...common, ...range, '--csv', CSV], env),
    ]);
    for (const run of [stored, csv])
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const a = JSON.parse(readFileSync(join(dir, 'stored.json'), 'utf8')) as Record<string, unknown>;
    const b = JSON.parse(readFileSync(join(dir, 'csv.json'), 'utf8')) as Record<string, unknown>;
    expect(a.bars).toBe(1500);
    expect(a).toEqual(b);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no stored 1m candles for NSE:SBIN-EQ');
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('either --csv or --from/--to');
  });
});
