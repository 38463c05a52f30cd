import { Logger } from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { Client } from 'pg';
import type { AppConfig } from '@/config/app-config';
import { normaliseDatabaseUrl } from '@/database/data-source.options';

/**
 * PostgreSQL down at start: rather than crash or sit silent, answer the probes on PORT (live 200,
 * ready 503 naming the database) and retry with capped exponential backoff and a clear log line, then
 * hand the port to the real app once the database answers.
 */
export async function waitForDatabase(config: AppConfig, opts: { maxDelayMs?: number } = {}): Promise<void> {
  const log = new Logger('Startup');
  let probe: FastifyInstance | undefined;
  let lastError = '';
  for (let attempt = 1; ; attempt++) {
    const client = new Client({
      connectionString: normaliseDatabaseUrl(config.env.DATABASE_URL),
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      if (probe) {
        log.log('PostgreSQL is reachable; starting the platform');
        await probe.close();
      }
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      lastError = (err as Error).message;
      const delay = Math.min(500 * 2 ** Math.min(attempt - 1, 5), opts.maxDelayMs ?? 10_000);
      log.warn(`PostgreSQL unavailable (${lastError}); retry ${attempt} in ${Math.round(delay / 1000)} s`);
      if (!probe) probe = await startProbe(config, () => lastError);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function startProbe(config: AppConfig, reason: () => string): Promise<FastifyInstance | undefined> {
  const app = Fastify({ logger: false });
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_req, reply) => {
    const down = { database: { status: 'down', message: reason() } };
    return reply.status(503).send({ status: 'error', info: {}, error: down, details: down });
  });
  app.setNotFoundHandler(async (req, reply) =>
    reply.status(503).send({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'starting: the database is unavailable',
      requestId: String(req.id),
    }),
  );
  try {
    await app.listen({ port: config.env.PORT, host: config.env.HOST });
    return app;
  } catch {
    return undefined; // the port is taken: keep retrying the database without probes
  }
}
