/**
 * A placement worker process for the kill -9 reliability test: the real orders core, Bull queue and
 * Angel One adapter against the simulator. At seeded probe points (claimed, before-send, after-send,
 * recorded) it freezes a placement for good (an in-process crash: many points per process lifetime),
 * and at the `killAt`-th point it SIGKILLs itself a few milliseconds later (often mid-request).
 */
import 'reflect-metadata';
import Bull from 'bull';
import { DataSource } from 'typeorm';
import { SystemClock } from '@/common/clock';
import { dataSourceOptions } from '@/database/data-source.options';
import { AngelOneGateway } from '@/broker/angel-one/angel-one.gateway';
import { CredentialCipher } from '@/broker/angel-one/session/credential-cipher';
import { TypeOrmSessionStore } from '@/broker/angel-one/session/session-store';
import type { Instrument } from '@/domain/market';
import { BullPlacementQueue } from '@/orders/bull-placement.queue';
import { createOrdersCore } from '@/orders/orders-core';
import { PERMISSIVE_RISK, type PlacementJob } from '@/orders/orders.ports';

export interface KillWorkerConfig {
  dbUrl: string;
  redisUrl: string;
  prefix: string;
  sim: {
    restUrl: string;
    streamUrl: string;
    orderUpdateUrl: string;
    scripMasterUrl: string;
    apiKey: string;
    clientCode: string;
    pin: string;
    totpSecret: string;
  };
  credKeyHex: string;
  instruments: Instrument[];
  /** Seed of this lifetime's crash plan. */
  seed: number;
  /** Probability that a probe point freezes its placement for good (an in-process crash at that point). */
  freezeProbability: number;
  /** The probe hit at which the process SIGKILLs itself, after a seeded 0-3 ms delay (mid-request kills). */
  killAt: number;
  rateLimitPerSec: number;
}

/** mulberry32: small seeded PRNG so a failing crash plan can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const QUEUE_SETTINGS = {
  stalledInterval: 300,
  lockDuration: 600,
  lockRenewTime: 200,
  maxStalledCount: 1,
};

export function gatewayFor(
  cfg: Pick<KillWorkerConfig, 'sim' | 'credKeyHex'>,
  ds: DataSource,
): AngelOneGateway {
  const silent = () => ({
    log: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  });
  return new AngelOneGateway({
    ...cfg.sim,
    publicIp: '127.0.0.1',
    store: new TypeOrmSessionStore(ds, new CredentialCipher(Buffer.from(cfg.credKeyHex, 'hex'))),
    requestTimeoutMs: 1500,
    orderRateLimitPerSec: 20,
    orderUpdates: false,
    logger: silent,
  });
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2]) as KillWorkerConfig;
  const ds = new DataSource({ ...dataSourceOptions(cfg.dbUrl), migrations: [], extra: { max: 6 } });
  await ds.initialize();
  const gateway = gatewayFor(cfg, ds);
  const queue = new Bull<PlacementJob>('orders', cfg.redisUrl, {
    prefix: cfg.prefix,
    settings: QUEUE_SETTINGS,
  });
  const instruments = new Map(cfg.instruments.map((i) => [i.symbol, i]));
  let hits = 0;
  const rnd = prng(cfg.seed);
  const core = createOrdersCore({
    ds,
    broker: gateway,
    queue: new BullPlacementQueue(queue),
    instruments: { get: (s) => instruments.get(s) },
    clock: new SystemClock(),
    risk: PERMISSIVE_RISK,
    rateLimitPerSec: cfg.rateLimitPerSec,
    resolveWindowMs: 60_000,
    submitGraceMs: 60_000,
    defaultTtlMs: 60_000,
    enqueueTimeoutMs: 500,
    probe: (point) => {
      hits++;
      process.send?.({ hit: point });
      if (hits === cfg.killAt) {
        process.send?.({ kill: point });
        const delay = Math.floor(rnd() * 4);
        setTimeout(() => process.kill(process.pid, 'SIGKILL'), delay);
        return;
      }
      if (rnd() < cfg.freezeProbability) {
        process.send?.({ freeze: point });
        // Nothing after this point ever runs for this placement: the same outside view as a crash here.
        return new Promise<void>(() => undefined);
      }
    },
  });
  // Log in (or reuse the stored session) before taking jobs, so a crash plan is not spent on start-up.
  await gateway.connect();
  process.send?.({ ready: true });
  void queue.process(4, (job) => core.submitter.submit(job.data.orderId, { verify: job.data.verify }));
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`kill-worker failed: ${err.stack ?? err.message}\n`);
    process.exit(2);
  });
}
