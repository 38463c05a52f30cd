/**
 * Kill switch timing (issue 6 goal: new orders blocked within 100 ms, every cancel sent within 2 s),
 * measured on the whole app in simulated mode (API, worker and feed in one process, embedded simulator,
 * real PostgreSQL and Redis in a scratch database and key prefix). For N resting orders it prints:
 * - blocked: from sending the halt to the moment the risk engine's state flipped to HALTED (every
 *   order checked after it is refused; the 'risk.state' event carries that moment);
 * - first refused: from sending the halt to the answer of the first order refused with TRADING_HALTED
 *   (orders are fired back to back meanwhile: this adds one order's whole round trip under the halt's load);
 * - call: the halt request's round trip (it returns once every cancel was handed to the broker);
 * - last cancel: from sending the halt to the simulator cancelling the last resting order.
 * Cancels have their own limiter at the broker's cancelOrder limit (20/s, protocol §7.1), apart from
 * the placement limit (ORDER_RATE_LIMIT_PER_SEC, the rate column), and are all started at once: with N
 * resting orders the last cancel goes out after about floor((N - 1) / 20) broker windows (1.25 s each,
 * a quarter second of margin for jitter), whatever the placement rate.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '@/bootstrap';
import { loadConfig } from '@/config/app-config';
import { dataSourceOptions } from '@/database/data-source.options';
import { EventBus } from '@/common/event-bus';

const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';
const SIZES = (process.env.BENCH_RESTING ?? '5,15,30').split(',').map(Number);
const ADMIN = { username: 'admin', password: 'admin-password-for-bench' };

interface SimHandle {
  exchange: { onOrderEvent(l: (e: { order: { orderid: string; status: string } }) => void): () => void };
  market: { ltp(token: string): number | undefined };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function run(resting: number, rate: number): Promise<void> {
  const dbName = `tb_bench_kill_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = `${SERVER}/${dbName}`;
  const ds = new DataSource(dataSourceOptions(url));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_PREFIX: `tb-bench-kill-${randomBytes(4).toString('hex')}`,
    SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    APP_ROLES: 'api,worker,feed',
    MARKET_WATCHLIST: 'NSE:SBIN-EQ',
    DEMO_STRATEGY: 'false',
    LOG_LEVEL: 'silent',
    THROTTLE_LIMIT_PER_MINUTE: '1000000',
    ORDER_RATE_LIMIT_PER_SEC: String(rate),
  });
  const app = await createApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const http = () => request(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
  try {
    const token = ((await http().post('/api/v1/auth/login').send(ADMIN)).body as { accessToken: string })
      .accessToken;
    const auth = { authorization: `Bearer ${token}` };
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const s = ((await http().get('/api/v1/risk/status').set(auth)).body as { state: string }).state;
      const d = (await http().get('/api/v1/market/depth?symbol=NSE:SBIN-EQ').set(auth)).body as {
        bids?: unknown[];
      };
      if (s === 'ACTIVE' && (d.bids?.length ?? 0) > 0) break;
      await sleep(200);
    }
    // The risk engine prices orders from ticks on the bus: wait for one (the depth above comes from the
    // tick cache, which can be ahead of it), or every order is refused NO_PRICE.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (off(), resolve()), 20_000);
      const off = app.get(EventBus).on('market.tick', (t) => {
        if (t.symbol !== 'NSE:SBIN-EQ') return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    const sim = config.embeddedSimulator as unknown as SimHandle;
    const price = (Math.floor((sim.market.ltp('3045')! * 0.96) / 5) * 5) / 100;
    const place = (type: 'LIMIT' | 'MARKET') =>
      http()
        .post('/api/v1/orders')
        .set(auth)
        .send({
          symbol: 'NSE:SBIN-EQ',
          side: 'BUY',
          quantity: 1,
          type,
          price: type === 'LIMIT' ? price : undefined,
          product: 'INTRADAY',
        });
    const ids: string[] = [];
    // Paced under the risk engine's order-rate check (it refuses faster bursts).
    for (let i = 0; i < resting; i++) {
      ids.push(((await place('LIMIT')).body as { id: string }).id);
      await sleep(1300 / rate);
    }
    const open = new Set<string>();
    const wait = Date.now() + 30_000;
    while (open.size < resting && Date.now() < wait) {
      for (const id of ids) {
        const o = (await http().get(`/api/v1/orders/${id}`).set(auth)).body as {
          status: string;
          brokerOrderId: string;
        };
        if (o.status === 'OPEN') open.add(o.brokerOrderId);
      }
      await sleep(100);
    }
    await sleep(1300); // the placements' cancel-free rate windows have passed (cancels never share them)
    const cancelledAt: number[] = [];
    const off = sim.exchange.onOrderEvent((e) => {
      if (open.has(e.order.orderid) && e.order.status === 'cancelled') cancelledAt.push(performance.now());
    });

    let flippedAt = NaN;
    const offState = app.get(EventBus).on('risk.state', (e) => {
      if (e.state === 'HALTED' && Number.isNaN(flippedAt)) flippedAt = e.at;
    });
    const t0 = performance.now();
    const t0Epoch = performance.timeOrigin + t0;
    const halt = http()
      .post('/api/v1/risk/kill-switch')
      .set(auth)
      .send({ action: 'halt', reason: 'bench' })
      .then(() => performance.now() - t0);
    let blocked = NaN;
    for (let i = 0; i < 200 && Number.isNaN(blocked); i++) {
      const r = (await place('MARKET')).body as { reasonCode: string | null };
      if (r.reasonCode === 'TRADING_HALTED') blocked = performance.now() - t0;
    }
    const call = await halt;
    offState();
    const flipped = flippedAt - t0Epoch;
    const end = Date.now() + 10_000;
    while (cancelledAt.length < open.size && Date.now() < end) await sleep(20);
    off();
    const last = cancelledAt.length ? Math.max(...cancelledAt) - t0 : NaN;
    console.log(
      `resting ${String(resting).padStart(3)} (rate ${rate}/s): blocked after ${flipped.toFixed(0)} ms (goal 100; first refused order answered at ${blocked.toFixed(0)} ms), ` +
        `call ${call.toFixed(0)} ms, last cancel ${last.toFixed(0)} ms (goal 2000), ` +
        `cancelled ${cancelledAt.length}/${open.size}`,
    );
  } finally {
    await app.close();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

async function main(): Promise<void> {
  for (const rate of [8, 20]) for (const n of SIZES) await run(n, rate);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
