import 'reflect-metadata';
import { DataSource } from 'typeorm';
import Redis from 'ioredis';
import { register } from 'prom-client';
import Bull from 'bull';
import { dataSourceOptions } from '@/database/data-source.options';
import { AlertService } from '@/monitoring/alerts/alert.service';
import { RedisDedupClaim } from '@/monitoring/alerts/redis-dedup';
import { TypeormAlertStore } from '@/monitoring/alerts/typeorm-alert-store';
import { SystemMetrics } from '@/monitoring/system-metrics';
import { createTestDatabase, testRedisPrefix } from '../support/test-db';

const quiet = { warn: () => undefined, error: () => undefined };

async function metricValue(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const m = register.getSingleMetric(name);
  const v = (await m?.get())?.values.find((x) =>
    Object.entries(labels).every(([k, val]) => x.labels[k] === val),
  );
  return v?.value;
}

describe('alert history in PostgreSQL, Redis de-duplication and system metrics', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let redis: Redis;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource(dataSourceOptions(db.url));
    await ds.initialize();
    redis = new Redis('redis://127.0.0.1:6379/0');
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await ds.destroy();
    await db.drop();
  });

  it('stores alerts, counts repeats, resolves and pages newest first with filters', async () => {
    const store = new TypeormAlertStore(ds);
    let now = Date.UTC(2025, 0, 6, 4, 0);
    const svc = new AlertService({ channels: [], store, clock: { now: () => now }, logger: quiet });
    const first = await svc.raise({
      key: 'feed.stale',
      severity: 'warning',
      title: 'stale',
      details: { seconds: 40 },
    });
    now += 1000;
    await svc.raise({ key: 'feed.stale', severity: 'warning', title: 'stale again' });
    for (let i = 0; i < 5; i++) {
      now += 1000;
      await svc.raise({ key: `strategy.losses:s${i}`, severity: 'info', title: `s${i}` });
    }
    await svc.resolve('feed.stale');

    const all = await store.list({ page: 1, pageSize: 4 });
    expect(all.total).toBe(6);
    expect(all.items.map((a) => a.title)).toEqual(['s4', 's3', 's2', 's1']);
    const page2 = await store.list({ page: 2, pageSize: 4 });
    expect(page2.items.map((a) => a.title)).toEqual(['s0', 'stale']);

    const stale = await store.list({ page: 1, pageSize: 10, key: 'feed.stale' });
    expect(stale.items).toHaveLength(1);
    expect(stale.items[0]).toMatchObject({
      id: first.id,
      occurrences: 2,
      status: 'no_channel',
      details: { seconds: 40 },
    });
    expect(stale.items[0].lastSeenAt.getTime()).toBe(Date.UTC(2025, 0, 6, 4, 0, 1));
    expect(stale.items[0].resolvedAt).toBeInstanceOf(Date);

    expect((await store.list({ page: 1, pageSize: 10, severity: 'warning' })).total).toBe(1);
    expect(
      (await store.list({ page: 1, pageSize: 10, since: new Date(Date.UTC(2025, 0, 6, 4, 0, 4)) })).total,
    ).toBe(3);
  });

  it('two processes sharing Redis deliver a key once; an escalation still goes through', async () => {
    const sent: string[] = [];
    const channel = { name: 'rec', send: async (a: { title: string }) => void sent.push(a.title) };
    const a = new AlertService({
      channels: [channel],
      dedup: new RedisDedupClaim(redis, prefix),
      logger: quiet,
    });
    const b = new AlertService({
      channels: [channel],
      dedup: new RedisDedupClaim(redis, prefix),
      logger: quiet,
    });
    expect((await a.raise({ key: 'broker.session', severity: 'warning', title: 'from feed' })).outcome).toBe(
      'delivered',
    );
    expect((await b.raise({ key: 'broker.session', severity: 'warning', title: 'from api' })).outcome).toBe(
      'deduplicated',
    );
    expect((await b.raise({ key: 'broker.session', severity: 'critical', title: 'escalated' })).outcome).toBe(
      'delivered',
    );
    await a.resolve('broker.session');
    expect(
      (await b.raise({ key: 'broker.session', severity: 'warning', title: 'after resolve' })).outcome,
    ).toBe('delivered');
    expect(sent).toEqual(['from feed', 'escalated', 'after resolve']);
  });

  it('samples the pg pool, Bull queue depth, job durations and event-loop lag', async () => {
    const queue = new Bull(`metrics-${prefix}`, 'redis://127.0.0.1:6379/0', { prefix });
    const metrics = new SystemMetrics({ dataSource: ds, queues: [queue], intervalMs: 60_000 });
    try {
      metrics.start();
      await queue.add({ n: 1 }, { jobId: 'a' });
      await queue.add({ n: 2 }, { jobId: 'b' });
      await queue.add({ n: 3 }, { jobId: 'c', delay: 60_000 });
      await metrics.sample();
      expect(await metricValue('trading_bot_queue_jobs', { queue: queue.name, state: 'waiting' })).toBe(2);
      expect(await metricValue('trading_bot_queue_jobs', { queue: queue.name, state: 'delayed' })).toBe(1);

      const done = new Promise<void>((resolve) => {
        let finished = 0;
        const onFinished = () => ++finished === 2 && resolve();
        queue.on('completed', onFinished);
        queue.on('failed', onFinished);
      });
      void queue.process(async (job) => {
        await new Promise((r) => setTimeout(r, 20));
        if (job.data.n === 2) throw new Error('boom');
      });
      await done;
      const hist = (await register.getSingleMetric('trading_bot_queue_job_duration_seconds')!.get()).values;
      const count = (status: string) =>
        hist.find(
          (v) =>
            (v as { metricName?: string }).metricName?.endsWith('_count') &&
            v.labels.queue === queue.name &&
            v.labels.status === status,
        )?.value;
      expect(count('completed')).toBe(1);
      expect(count('failed')).toBe(1);

      await ds.query('SELECT 1');
      await new Promise((r) => setTimeout(r, 30));
      await metrics.sample();
      expect(await metricValue('trading_bot_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(
        1,
      );
      expect(await metricValue('trading_bot_db_pool_connections', { state: 'max' })).toBe(10);
      expect(await metricValue('trading_bot_db_pool_connections', { state: 'waiting' })).toBe(0);
      expect(await metricValue('trading_bot_event_loop_lag_seconds', { quantile: '0.99' })).toBeGreaterThan(
        0,
      );
    } finally {
      metrics.stop();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
  });
});
