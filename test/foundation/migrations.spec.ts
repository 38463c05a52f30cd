import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { dropDatabase, serverUrl, withAdmin } from '../support/test-db';

describe('migrations', () => {
  const name = `tb_test_${process.env.TEST_RUN_ID ?? 'local'}_mig_${randomBytes(3).toString('hex')}`;
  let ds: DataSource;

  beforeAll(async () => {
    await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
    ds = new DataSource(dataSourceOptions(serverUrl(name)));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(name);
  });

  it('go up on an empty database, all the way down, and up again', async () => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.length).toBeGreaterThan(0);
    const tables = async () =>
      (
        await ds.query(
          `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
        )
      )[0].n as number;
    expect(await tables()).toBeGreaterThan(3);
    for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toBe(0);
    const again = await ds.runMigrations({ transaction: 'each' });
    expect(again.length).toBe(applied.length);
  });

  it('match the entities: generating a migration finds no difference', async () => {
    expect(ds.entityMetadatas.map((m) => m.tableName)).toEqual(
      expect.arrayContaining(['users', 'refresh_tokens', 'api_keys', 'audit_log']),
    );
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });
});
