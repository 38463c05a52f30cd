import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, dropDatabase, serverUrl, withAdmin } from '../support/test-db';

const scripts = join(__dirname, '..', '..', 'scripts');

function run(script: string, args: string[], env: Record<string, string>) {
  const r = spawnSync('bash', [join(scripts, script), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
  });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('scripts/backup.sh and scripts/restore.sh', () => {
  let source: Awaited<ReturnType<typeof createTestDatabase>>;
  const targetName = `tb_test_restore_${process.pid}_${Date.now().toString(36)}`;
  const targetUrl = serverUrl(targetName);
  const dir = mkdtempSync(join(tmpdir(), 'tb-backup-'));

  beforeAll(async () => {
    source = await createTestDatabase();
    await withAdmin((c) => c.query(`CREATE DATABASE "${targetName}"`));
    await query(
      source.url,
      `INSERT INTO alerts (id, key, severity, title, details, status, deliveries, occurrences, created_at, last_seen_at)
       VALUES ($1, 'risk.kill_switch', 'critical', 'Kill switch engaged', '{"reason":"DRILL"}', 'delivered', '[]', 3, $2, $2)`,
      ['6f1c2a7e-0b7d-4c55-9a52-2a4f6f0e9a01', new Date('2025-01-06T05:00:00Z')],
    );
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(targetName);
    await source.drop();
  });

  it('backs up a database and restores it into another, row for row', async () => {
    const b = run('backup.sh', [dir], { DATABASE_URL: source.url });
    expect(b).toMatchObject({ code: 0 });
    expect(b.out).toMatch(/\/trading-bot-\d{8}T\d{6}Z-00\.dump$/);

    const r = run('restore.sh', ['--yes', b.out], { RESTORE_DATABASE_URL: targetUrl });
    expect(r).toMatchObject({ code: 0 });

    const rows = await query<{
      key: string;
      title: string;
      details: unknown;
      occurrences: number;
      created_at: Date;
    }>(targetUrl, 'SELECT key, title, details, occurrences, created_at FROM alerts WHERE id = $1', [
      '6f1c2a7e-0b7d-4c55-9a52-2a4f6f0e9a01',
    ]);
    expect(rows).toEqual([
      {
        key: 'risk.kill_switch',
        title: 'Kill switch engaged',
        details: { reason: 'DRILL' },
        occurrences: 3,
        created_at: new Date('2025-01-06T05:00:00Z'),
      },
    ]);
    const migrations = (db: string) => query<{ n: string }>(db, 'SELECT count(*)::text AS n FROM migrations');
    expect(await migrations(targetUrl)).toEqual(await migrations(source.url));
  });

  it('restoring again over the restored database replaces it (clean) instead of failing on existing objects', async () => {
    const dump = readdirSync(dir).find((f) => f.endsWith('.dump'))!;
    await query(targetUrl, "UPDATE alerts SET title = 'edited after backup'");
    expect(run('restore.sh', ['--yes', join(dir, dump)], { RESTORE_DATABASE_URL: targetUrl }).code).toBe(0);
    expect(await query(targetUrl, 'SELECT title FROM alerts')).toEqual([{ title: 'Kill switch engaged' }]);
  });

  it('keeps only the newest BACKUP_KEEP dumps', () => {
    const made = [1, 2, 3].map(
      () => run('backup.sh', [], { DATABASE_URL: source.url, BACKUP_DIR: dir, BACKUP_KEEP: '2' }).out,
    );
    const left = readdirSync(dir)
      .filter((f) => f.endsWith('.dump'))
      .map((f) => join(dir, f))
      .sort();
    expect(left).toEqual(made.slice(1).sort());
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('refuses to restore without --yes, and a failed dump leaves no file and prunes nothing', () => {
    const before = readdirSync(dir).sort();
    const r = run('restore.sh', [join(dir, before[0])], { RESTORE_DATABASE_URL: targetUrl });
    expect(r.code).toBe(3);
    expect(r.err).toContain('--yes');

    const bad = run('backup.sh', [dir], {
      DATABASE_URL: serverUrl('tb_test_no_such_database'),
      BACKUP_KEEP: '1',
    });
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('no backup written');
    expect(readdirSync(dir).sort()).toEqual(before);

    expect(run('backup.sh', [dir], {}).code).toBe(2);
    expect(run('backup.sh', [dir], { DATABASE_URL: source.url, BACKUP_KEEP: '0' }).code).toBe(2);
  });
});
