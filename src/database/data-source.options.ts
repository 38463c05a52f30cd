import type { DataSourceOptions } from 'typeorm';
import { join } from 'node:path';

/**
 * One set of options for the app (TypeOrmModule), the TypeORM CLI (data-source.ts) and the tests.
 * Entities are discovered by file name so every module can add its own; migrations are checked in and
 * never generated at run time (`synchronize` stays off).
 */
export function dataSourceOptions(url: string): DataSourceOptions {
  const root = join(__dirname, '..', '..');
  return {
    type: 'postgres',
    url,
    entities: [join(root, 'src', '**', '*.entity.{ts,js}')],
    migrations: [join(root, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    extra: { max: 10, connectionTimeoutMillis: 5000 },
  };
}

/** Accepts postgres:// and postgresql:// (pg takes both). */
export function normaliseDatabaseUrl(url: string): string {
  return url.replace(/^postgres:\/\//, 'postgresql://');
}
