import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Bull from 'bull';
import type { DataSource } from 'typeorm';
import { SystemClock } from '@/common/clock';
import type { Instrument } from '@/domain/market';
import { BullPlacementQueue } from '@/orders/bull-placement.queue';
import { createOrdersCore, type OrdersCore } from '@/orders/orders-core';
import { PERMISSIVE_RISK, type PlacementJob } from '@/orders/orders.ports';
import { Reconciler } from '@/orders/reconciler';
import { startSimulator, type SimulatorHandle } from '@/simulator';
import { testRedisPrefix } from '../support/test-db';
import { compileKillWorker } from './support/compile-worker';
import { openDatabase } from './support/harness';
import { gatewayFor, prng, QUEUE_SETTINGS, type KillWorkerConfig } from './support/kill-worker';

const SEED = Number(process.env.KILL9_SEED ?? 20261127);
const ORDERS = Number(process.env.KILL9_ORDERS ?? 90);
const MIN_POINTS = Number(process.env.KILL9_MIN_POINTS ?? 50);
const PARALLEL = Number(process.env.KILL9_PARALLEL ?? 4);
const TERMINAL = ['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'RISK_REJECTED'];

describe('kill -9 of placement workers at seeded points', () => {
  let sim: SimulatorHandle;
  let ds: DataSource;
  let drop: () => Promise<void>;
  let queue: Bull.Queue<PlacementJob>;
  let core: OrdersCore;
  let script: string;
  let cfgBase: Omit<KillWorkerConfig, 'seed' | 'killAt' | 'freezeProbability'>;
  let reconciler: Reconciler;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    [script, sim, { ds, drop }] = await Promise.all([
      compileKillWorker(),
      startSimulator({ tickIntervalMs: 100 }),
      openDatabase(),
    ]);
    const credKeyHex = randomBytes(32).toString('hex');
    const simCfg = {
      restUrl: sim.restUrl,
      streamUrl: sim.streamUrl,
      orderUpdateUrl: sim.orderUpdateUrl,
      scripMasterUrl: sim.scripMasterUrl,
      ...sim.credentials,
    };
    const gateway = gatewayFor({ sim: simCfg, credKeyHex }, ds);
    const master = await gateway.instrumentMaster();
    const instruments = master.filter((i) =>
      ['NSE:SBIN-EQ', 'NSE:INFY-EQ', 'NSE:RELIANCE-EQ'].includes(i.symbol),
    );
    expect(instruments).toHaveLength(3);
    const bySymbol = new Map<string, Instrument>(instruments.map((i) => [i.symbol, i]));
    queue = new Bull<PlacementJob>('orders', 'redis://127.0.0.1:6379/0', {
      prefix,
      settings: QUEUE_SETTINGS,
    });
    core = createOrdersCore({
      ds,
      broker: gateway,
      queue: new BullPlacementQueue(queue),
      instruments: { get: (s) => bySymbol.get(s) },
      clock: new SystemClock(),
      risk: PERMISSIVE_RISK,
      rateLimitPerSec: 100,
      resolveWindowMs: 1_500,
      submitGraceMs: 1_000,
      defaultTtlMs: 120_000,
      enqueueTimeoutMs: 1_000,
    });
    reconciler = new Reconciler({
      ds,
      store: core.store,
      broker: gateway,
      applier: core.applier,
      resolver: core.resolver,
      clock: new SystemClock(),
    });
    cfgBase = {
      dbUrl: (ds.options as { url: string }).url,
      redisUrl: 'redis://127.0.0.1:6379/0',
      prefix,
      sim: simCfg,
      credKeyHex,
      instruments,
      rateLimitPerSec: 6,
    };
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await sim?.close();
    await ds?.destroy();
    await drop?.();
  });

  function lifetime(seed: number): Promise<{ killed: boolean; freezes: number; hits: number }> {
    const rnd = prng(seed);
    const cfg: KillWorkerConfig = {
      ...cfgBase,
      seed,
      killAt: 8 + Math.floor(rnd() * 16),
      freezeProbability: 0.3,
    };
    return new Promise((resolve, reject) => {
      const child: ChildProcess = fork(script, [JSON.stringify(cfg)], {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let freezes = 0;
      let hits = 0;
      let planned = false;
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      // A worker that runs out of jobs before its kill point is killed by the test (not counted as a point).
      let idle = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('message', (m: { ready?: boolean; hit?: string; freeze?: string; kill?: string }) => {
        clearTimeout(idle);
        idle = setTimeout(() => child.kill('SIGKILL'), 1_200);
        if (m.hit) hits++;
        if (m.freeze) freezes++;
        if (m.kill) planned = true;
      });
      child.on('exit', (code, signal) => {
        clearTimeout(idle);
        if (code === 2) reject(new Error(`worker failed to start: ${stderr}`));
        else resolve({ killed: planned && signal === 'SIGKILL', freezes, hits });
      });
    });
  }

  it(`never sends an ordertag twice and ends every order terminal (seed ${SEED}, >= ${MIN_POINTS} crash points)`, async () => {
    const sides = ['BUY', 'SELL'] as const;
    const symbols = ['NSE:SBIN-EQ', 'NSE:INFY-EQ', 'NSE:RELIANCE-EQ'];
    for (let i = 0; i < ORDERS; i++) {
      await core.placement.place(
        {
          clientOrderId: `k9-${SEED}-${i}`,
          symbol: symbols[i % 3],
          side: sides[i % 2],
          quantity: 1,
          type: 'MARKET',
          product: 'INTRADAY',
          validity: 'DAY',
          createdAt: Date.now(),
        },
        { origin: 'API', strategyVersion: 'k9' },
      );
    }
    const rnd = prng(SEED);
    let points = 0;
    let kills = 0;
    let hits = 0;
    const maxRounds = Math.max(12, Math.ceil(MIN_POINTS / 3)); // a round averages about 4 points
    for (let round = 0; round < maxRounds; round++) {
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, () => lifetime(Math.floor(rnd() * 2 ** 31))),
      );
      for (const r of results) {
        points += r.freezes + (r.killed ? 1 : 0);
        kills += r.killed ? 1 : 0;
        hits += r.hits;
      }
      // Recovery as a restarted worker does it: orphaned SUBMITTING -> UNKNOWN -> order-book lookup; lost jobs re-enqueued.
      await new Promise((r) => setTimeout(r, 1_100));
      await core.resolver.sweep();
      await core.relay.runOnce();
      const [{ queued }] = await ds.query(
        `SELECT count(*) FILTER (WHERE status = 'QUEUED')::int AS queued FROM orders`,
      );
      if (process.env.KILL9_DEBUG) {
        const stuck: { id: string; client_order_id: string }[] = await ds.query(
          `SELECT id, client_order_id FROM orders WHERE status = 'QUEUED'`,
        );
        const states = await Promise.all(
          stuck
            .slice(0, 3)
            .map(async (o) =>
              (
                await queue.getJob(`order:00000000-0000-0000-0000-000000000000:${o.client_order_id}`)
              )?.getState(),
            ),
        );
        process.stderr.write(
          `round ${round}: ${JSON.stringify(results)} queued ${queued} jobs ${JSON.stringify(states)} t=${Date.now()}\n`,
        );
      }
      if (points >= MIN_POINTS && queued === 0) break;
    }
    await new Promise((r) => setTimeout(r, 1_600));
    const report = await reconciler.run('startup');

    const statuses: { status: string; n: number }[] = await ds.query(
      `SELECT status, count(*)::int AS n FROM orders GROUP BY status ORDER BY status`,
    );
    if (process.env.KILL9_DEBUG)
      process.stderr.write(
        `reasons ${JSON.stringify(await ds.query(`SELECT status, reason_code, left(reason_message, 80) AS m, count(*)::int AS n FROM orders GROUP BY 1,2,3`))}\n`,
      );
    const summary = Object.fromEntries(statuses.map((s) => [s.status, s.n]));
    const tags = sim.orderTagLog.map((e) => e.ordertag);
    const dupes = tags.filter((t, i) => tags.indexOf(t) !== i);
    process.stdout.write(
      `kill-9: seed ${SEED}, ${points} crash points (${kills} SIGKILLs), ${hits} probe hits, ${tags.length} placeOrder calls (${dupes.length} tags twice), statuses ${JSON.stringify(summary)}\n`,
    );

    // What must hold first, so a run that fell short of its crash points still reports on it.
    expect(dupes).toEqual([]);
    expect(statuses.filter((s) => !TERMINAL.includes(s.status))).toEqual([]);
    // Every tag the exchange saw belongs to an order that knows it reached the broker.
    const notPlaced: { ordertag: string }[] = await ds.query(
      `SELECT ordertag FROM orders WHERE reason_code = 'NOT_AT_BROKER'`,
    );
    const reached = new Set(tags);
    expect(notPlaced.filter((o) => reached.has(o.ordertag))).toEqual([]);
    expect(report.mismatches.filter((m) => m.kind !== 'fill_gap')).toEqual([]);
    expect(points).toBeGreaterThanOrEqual(MIN_POINTS);
    expect(kills).toBeGreaterThan(0);
  }, Math.max(240_000, MIN_POINTS * 3_000)); // about 1 s a crash point here; soak runs ask for hundreds
});
