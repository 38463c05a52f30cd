/** Creates the database named in DATABASE_URL when it does not exist yet (the server must be reachable). */
import { config as loadDotenv } from 'dotenv';

loadDotenv({ quiet: true });
import { Client } from 'pg';

async function main(): Promise<void> {
  const url = new URL(
    (process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trading_bot').replace(
      /^postgres:/,
      'postgresql:',
    ),
  );
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'trading_bot';
  url.pathname = '/postgres';
  for (let attempt = 1; ; attempt++) {
    const c = new Client({ connectionString: url.toString() });
    try {
      await c.connect();
      const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
        console.log(`created database ${name}`);
      }
      await c.end();
      return;
    } catch (err) {
      await c.end().catch(() => undefined);
      if (attempt >= 10) throw err;
      console.log(
        `PostgreSQL not reachable at ${url.host} (${(err as Error).message}); retrying (${attempt}/10)`,
      );
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

main().catch((err: unknown) => {
  console.error(`cannot prepare the database: ${(err as Error).message}`);
  process.exit(1);
});
