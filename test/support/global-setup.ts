import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { serverUrl, withAdmin } from './test-db';

/**
 * Creates this run's migrated template database; each integration spec copies it (createTestDatabase),
 * so every spec starts from a freshly migrated database and runs never collide.
 */
export default async function globalSetup(): Promise<void> {
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  process.env.TEST_RUN_ID = run;
  const template = `tb_test_${run}_tpl`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${template}"`));
  // Migrations need no entities (and entity files use path aliases the global setup can't resolve).
  const ds = new DataSource({ ...dataSourceOptions(serverUrl(template)), entities: [] });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
  process.env.TEST_DB_TEMPLATE = template;
}
