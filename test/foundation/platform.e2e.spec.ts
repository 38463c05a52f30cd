import { DataSource } from 'typeorm';
import { ThrowawayRedis } from '../support/throwaway-redis';
import { startTestApp, type TestApp } from '../support/app';

async function eventually(fn: () => Promise<boolean>, ms = 15000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}

describe('health, metrics, docs (e2e)', () => {
  let t: TestApp;
  let redis: ThrowawayRedis;
  beforeAll(async () => {
    redis = await ThrowawayRedis.create();
    t = await startTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('answers /health/live without dependencies', async () => {
    const res = await t.http().get('/health/live').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('is ready with PostgreSQL and Redis up, 503 naming redis while it is down, and recovers on its own', async () => {
    const up = await t.http().get('/health/ready').expect(200);
    expect(up.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    await redis.stop();
    await eventually(async () => (await t.http().get('/health/ready')).status === 503);
    const down = await t.http().get('/health/ready').expect(503);
    expect(down.body.error).toHaveProperty('redis');
    expect(down.body.info).toHaveProperty('database');
    // The API itself stays up while Redis is down.
    await t.http().get('/health/live').expect(200);
    await redis.start();
    await eventually(async () => (await t.http().get('/health/ready')).status === 200);
  });

  it('serves Prometheus metrics with process and HTTP metrics by route template', async () => {
    await t.http().get('/api/v1/users/123').expect(401);
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toContain('process_cpu_seconds_total');
    expect(res.text).toMatch(
      /trading_bot_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users\/:id",status="401"\} \d+/,
    );
  });

  it('documents every route with a tag, a summary and its security in /docs-json, and renders /docs', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
    expect(doc.components.securitySchemes).toHaveProperty('api-key');
    const publicOps = new Set([
      'post /api/v1/auth/login',
      'post /api/v1/auth/refresh',
      'get /health/live',
      'get /health/ready',
    ]);
    for (const [path, ops] of Object.entries(
      doc.paths as Record<
        string,
        Record<
          string,
          { tags?: string[]; summary?: string; security?: unknown[]; responses: Record<string, unknown> }
        >
      >,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method} ${path}`;
        expect({ name, tagged: !!op.tags?.length, summary: !!op.summary }).toEqual({
          name,
          tagged: true,
          summary: true,
        });
        if (!publicOps.has(name)) {
          expect({ name, secured: op.security?.length ?? 0 }).toEqual({ name, secured: 2 });
          expect({ name, has401: '401' in op.responses }).toEqual({ name, has401: true });
        }
      }
    }
    const ui = await t.http().get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
  });
});

describe('metrics token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN: 'metrics-token-for-tests' });
  });
  afterAll(async () => t.close());

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    await t.http().get('/metrics').expect(401);
    await t.http().get('/metrics').set('authorization', 'Bearer wrong').expect(401);
    await t.http().get('/metrics').set('authorization', 'Bearer metrics-token-for-tests').expect(200);
  });

  it('catches an edited audit row and names it', async () => {
    const admin = (await t.login()).accessToken;
    const auth = { authorization: `Bearer ${admin}` };
    await t.login();
    expect((await t.http().get('/api/v1/audit/verify').set(auth).expect(200)).body.ok).toBe(true);
    const ds = new DataSource({ type: 'postgres', url: t.config.env.DATABASE_URL });
    await ds.initialize();
    try {
      const [row] = await ds.query(`SELECT id FROM audit_log ORDER BY id ASC OFFSET 1 LIMIT 1`);
      // The table refuses edits; an attacker with superuser rights would first disable the trigger.
      await expect(ds.query(`UPDATE audit_log SET action = 'x' WHERE id = $1`, [row.id])).rejects.toThrow(
        /append-only/,
      );
      await ds.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`);
      await ds.query(`UPDATE audit_log SET details = '{"forged": true}' WHERE id = $1`, [row.id]);
    } finally {
      await ds.destroy();
    }
    const verify = (await t.http().get('/api/v1/audit/verify').set(auth).expect(200)).body;
    expect(verify.ok).toBe(false);
    expect(verify.checked).toBe(1);
    expect(verify.reason).toMatch(/edited/);
  });
});
