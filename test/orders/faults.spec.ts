import Bull from 'bull';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SystemClock } from '@/common/clock';
import { dataSourceOptions } from '@/database/data-source.options';
import type { Instrument } from '@/domain/market';
import { BullPlacementQueue } from '@/orders/bull-placement.queue';
import { createOrdersCore, type OrdersCore, type OrdersCoreOptions } from '@/orders/orders-core';
import { PERMISSIVE_RISK, type PlacementJob } from '@/orders/orders.ports';
import { startSimulator, type SimulatorHandle } from '@/simulator';
import { createTestDatabase, testRedisPrefix } from '../support/test-db';
import { ThrowawayRedis } from '../support/throwaway-redis';
import { gatewayFor, QUEUE_SETTINGS } from './support/kill-worker';
import { TcpProxy } from './support/tcp-proxy';

const RATE = 10;
/** The soak script runs the full 50 orders/s for 10 s; CI runs a short burst at the same rate. */
const BURST_SECONDS = Number(process.env.BURST_SECONDS ?? 1.2);
const TERMINAL = ['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'RISK_REJECTED'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Placement against the simulator's fault injection, a throwaway Redis and PostgreSQL behind a proxy we can cut. */
describe('order placement under broker, Redis and PostgreSQL faults', () => {
  let sim: SimulatorHandle;
  let db: { url: string; drop: () => Promise<void> };
  let pgProxy: TcpProxy;
  let ds: DataSource;
  let redis: ThrowawayRedis;
  let queue: Bull.Queue<PlacementJob>;
  let core: OrdersCore;
  let instruments: Map<string, Instrument>;
  let seq = 0;

  beforeAll(async () => {
    [sim, db, redis] = await Promise.all([
      startSimulator({ tickIntervalMs: 100 }),
      createTestDatabase(),
      ThrowawayRedis.create(),
    ]);
    pgProxy = new TcpProxy('127.0.0.1', 5432);
    await pgProxy.start();
    const url = new URL(db.url);
    url.host = `127.0.0.1:${pgProxy.port}`;
    ds = new DataSource({
      ...dataSourceOptions(url.toString()),
      extra: { max: 10, connectionTimeoutMillis: 1000 },
    });
    await ds.initialize();
    const simCfg = {
      restUrl: sim.restUrl,
      streamUrl: sim.streamUrl,
      orderUpdateUrl: sim.orderUpdateUrl,
      scripMasterUrl: sim.scripMasterUrl,
      ...sim.credentials,
    };
    const gateway = gatewayFor({ sim: simCfg, credKeyHex: randomBytes(32).toString('hex') }, ds);
    instruments = new Map((await gateway.instrumentMaster()).map((i) => [i.symbol, i]));
    queue = new Bull<PlacementJob>('orders', redis.url, {
      prefix: testRedisPrefix(),
      settings: QUEUE_SETTINGS,
      limiter: { max: RATE, duration: 1000 },
    });
    const opts: OrdersCoreOptions = {
      ds,
      broker: gateway,
      queue: new BullPlacementQueue(queue),
      instruments: { get: (s) => instruments.get(s) },
      clock: new SystemClock(),
      risk: PERMISSIVE_RISK,
      rateLimitPerSec: RATE,
      resolveWindowMs: 1_000,
      submitGraceMs: 5_000,
      defaultTtlMs: 60_000,
      enqueueTimeoutMs: 300,
    };
    core = createOrdersCore(opts);
    void queue.process(8, (job) => core.submitter.submit(job.data.orderId, { verify: job.data.verify }));
  });

  afterAll(async () => {
    await queue?.close().catch(() => undefined);
    await redis?.stop();
    await sim?.close();
    await ds?.destroy().catch(() => undefined);
    await pgProxy?.close();
    await db?.drop();
  });

  const place = (over: { symbol?: string; ttlMs?: number } = {}) =>
    core.placement.place(
      {
        clientOrderId: `f-${++seq}`,
        symbol: over.symbol ?? 'NSE:SBIN-EQ',
        side: 'BUY',
        quantity: 1,
        type: 'MARKET',
        product: 'INTRADAY',
        validity: 'DAY',
        createdAt: Date.now(),
        ttlMs: over.ttlMs,
      },
      { origin: 'API' },
    );
  const sends = (tag: string) => sim.orderTagLog.filter((e) => e.ordertag === tag).length;
  async function until(pred: () => Promise<boolean>, ms = 15_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await pred())) {
      if (Date.now() > end) throw new Error('condition not reached in time');
      await sleep(100);
    }
  }
  const status = async (id: string) => (await core.store.findById(id))!.status;

  it.each([
    ['a timeout after acceptance', { route: 'placeOrder', kind: 'timeout' as const, times: 1 }],
    [
      'a 5xx after acceptance',
      { route: 'placeOrder', kind: 'error' as const, afterAccept: true, status: 502, times: 1 },
    ],
  ])('resolves %s from the order book, with exactly one send', async (_name, fault) => {
    sim.faults.add(fault);
    const { order } = await place();
    await until(async () => ['OPEN', 'FILLED', 'PARTIALLY_FILLED'].includes(await status(order.id)));
    const events = await core.store.events(order.id);
    expect(events.map((e) => e.toStatus)).toContain('UNKNOWN');
    expect(sends(order.ordertag)).toBe(1);
  });

  it('never resends after a rate-limit answer: the order-book lookup settles it', async () => {
    sim.faults.add({ route: 'placeOrder', kind: 'rateLimit', times: 1 });
    const { order } = await place();
    await until(
      async () => (await status(order.id)) === 'UNKNOWN' || TERMINAL.includes(await status(order.id)),
    );
    await sleep(1_100);
    await core.resolver.sweep();
    expect(TERMINAL.includes(await status(order.id)) || (await status(order.id)) === 'OPEN').toBe(true);
    expect(sends(order.ordertag)).toBeLessThanOrEqual(1);
    await sleep(500);
    expect(sends(order.ordertag)).toBeLessThanOrEqual(1);
  });

  it('keeps orders durably while Redis is down, answers fast, and drains the backlog afterwards', async () => {
    await redis.stop();
    const t0 = Date.now();
    const placed = await Promise.all(Array.from({ length: 5 }, () => place()));
    expect(placed.every((p) => p.order.status === 'QUEUED')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await core.relay.runOnce()).toMatchObject({ enqueued: 0 });
    await redis.start();
    await until(async () => (await core.relay.runOnce()).failed === 0);
    await until(
      async () => (await Promise.all(placed.map((p) => status(p.order.id)))).every((s) => s !== 'QUEUED'),
      20_000,
    );
    for (const p of placed) expect(sends(p.order.ordertag)).toBe(1);
  });

  it('fails closed while PostgreSQL is unreachable: 503 and no broker call without a durable record', async () => {
    const before = sim.orderTagLog.length;
    pgProxy.down();
    await expect(place()).rejects.toMatchObject({ httpStatus: 503, code: 'ORDERS_UNAVAILABLE' });
    await sleep(300);
    expect(sim.orderTagLog.length).toBe(before);
    pgProxy.up();
    await until(async () => {
      try {
        return (await place()).order.status === 'QUEUED';
      } catch {
        return false;
      }
    });
  });

  it(
    `lets no more than ${RATE} placements reach the broker in any second of a 50/s burst, and drops none`,
    async () => {
      const start = sim.orderTagLog.length;
      const placed: { id: string; ordertag: string }[] = [];
      for (let i = 0; i < Math.round(50 * BURST_SECONDS); i++) {
        placed.push((await place({ symbol: i % 2 ? 'NSE:INFY-EQ' : 'NSE:SBIN-EQ' })).order);
        await sleep(20);
      }
      // One query for all statuses: 60 concurrent lookups on a 10-connection pool time out on a loaded machine.
      await until(
        async () => {
          const rows: { status: string }[] = await ds.query(
            `SELECT status FROM orders WHERE id = ANY($1::uuid[])`,
            [placed.map((p) => p.id)],
          );
          return rows.every((r) => r.status !== 'QUEUED' && r.status !== 'SUBMITTING');
        },
        30_000 + (BURST_SECONDS * 50 * 1000) / RATE,
      );
      const times = sim.orderTagLog.slice(start).map((e) => e.at);
      let worst = 0;
      for (let i = 0; i < times.length; i++)
        worst = Math.max(worst, times.filter((t) => t >= times[i] && t < times[i] + 1000).length);
      process.stdout.write(
        `burst: ${times.length} placements reached the simulator, at most ${worst} in any second (limit ${RATE})\n`,
      );
      expect(worst).toBeLessThanOrEqual(RATE);
      const reached = sim.orderTagLog.slice(start).map((e) => e.ordertag);
      expect(placed.filter((p) => !reached.includes(p.ordertag))).toEqual([]);
      expect(new Set(reached).size).toBe(reached.length);
    },
    90_000 + (BURST_SECONDS * 50 * 1000) / RATE,
  );
});
