import { dropDatabase } from '../support/test-db';
import { startTestApp, type TestApp } from '../support/app';

/**
 * Stops `t`'s app (keeping its database) and starts a fresh app process on the same database and
 * Redis prefix, as a redeploy or crash-restart would. Closing the returned app also drops the first
 * app's database.
 */
export async function restartTestApp(t: TestApp, env: Record<string, string> = {}): Promise<TestApp> {
  const databaseUrl = t.config.env.DATABASE_URL;
  const dbName = new URL(databaseUrl).pathname.slice(1);
  await t.app.close();
  const next = await startTestApp({
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: t.config.env.REDIS_PREFIX,
    ...env,
  });
  return {
    ...next,
    close: async () => {
      await next.close();
      await dropDatabase(dbName);
    },
  };
}
