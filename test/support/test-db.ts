import { Client } from 'pg';
import { randomBytes } from 'node:crypto';

/** Server URL (no database) that tests create their databases on; taken from DATABASE_URL's server. */
export function serverUrl(dbName: string): string {
  const base = process.env.TEST_DATABASE_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';
  return `${base}/${dbName}`;
}

export function runId(): string {
  return process.env.TEST_RUN_ID ?? 'local';
}

/**
 * A fresh, fully migrated database for one test file: a copy of the run's migrated template.
 * Call `drop()` in afterAll; the run's global teardown drops any left behind.
 */
export async function createTestDatabase(): Promise<{
  url: string;
  name: string;
  drop: () => Promise<void>;
}> {
  const template = process.env.TEST_DB_TEMPLATE;
  if (!template) throw new Error('TEST_DB_TEMPLATE is not set: run the tests through jest (global setup)');
  const name = `tb_test_${runId()}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    url: serverUrl(name),
    name,
    drop: () => dropDatabase(name),
  };
}

/** A unique Redis key prefix for one test file. */
export function testRedisPrefix(): string {
  return `tb-test-${runId()}-${randomBytes(4).toString('hex')}`;
}

export async function withAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: serverUrl('postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
