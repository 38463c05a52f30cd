import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@/config/app-config';
import { dataSourceOptions, normaliseDatabaseUrl } from './data-source.options';

/**
 * PostgreSQL through TypeORM with the checked-in migrations, run on start unless
 * DATABASE_MIGRATIONS_RUN=false. Connection failures at start are retried with a clear log line.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (c: AppConfig) => {
        const logger = new Logger('Database');
        return {
          ...dataSourceOptions(normaliseDatabaseUrl(c.env.DATABASE_URL)),
          migrationsRun: c.env.DATABASE_MIGRATIONS_RUN,
          migrationsTransactionMode: 'each' as const,
          retryAttempts: c.env.NODE_ENV === 'test' ? 2 : 20,
          retryDelay: 3000,
          toRetry: (err: unknown) => {
            logger.warn(`PostgreSQL unavailable (${(err as Error).message}); retrying in 3 s`);
            return true;
          },
          logging: ['error' as const],
        };
      },
    }),
  ],
})
export class DatabaseModule {}
