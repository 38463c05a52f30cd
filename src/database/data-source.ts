import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions, normaliseDatabaseUrl } from './data-source.options';

/** Used by the TypeORM CLI (`npm run migration:*`). The app builds its connection from the same options. */
const url = normaliseDatabaseUrl(
  process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trading_bot',
);
export default new DataSource(dataSourceOptions(url));
