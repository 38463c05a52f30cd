import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ManualClock, SystemClock, type Clock } from '@/common/clock';
import { dataSourceOptions } from '@/database/data-source.options';
import {
  createOrdersCore,
  type OrdersBroker,
  type OrdersCore,
  type OrdersCoreOptions,
} from '@/orders/orders-core';
import type { OrdersAlert, PlacementJob, PlacementQueue } from '@/orders/orders.ports';
import { createTestDatabase } from '../../support/test-db';
import { TEST_INSTRUMENTS } from './instruments';

/** A queue that only remembers jobs (specs drive the submitter themselves); `down` simulates Redis away. */
export class MemoryQueue implements PlacementQueue {
  readonly jobs = new Map<string, PlacementJob>();
  down = false;
  async add(jobId: string, data: PlacementJob): Promise<void> {
    if (this.down) throw new Error('Redis unreachable');
    if (!this.jobs.has(jobId)) this.jobs.set(jobId, data);
  }
  async has(jobId: string): Promise<boolean> {
    if (this.down) throw new Error('Redis unreachable');
    return this.jobs.has(jobId);
  }
}

export interface Harness {
  ds: DataSource;
  core: OrdersCore;
  queue: MemoryQueue;
  alerts: OrdersAlert[];
  halts: string[];
  clock: Clock;
  close(): Promise<void>;
}

export async function openDatabase(): Promise<{ ds: DataSource; drop: () => Promise<void> }> {
  const db = await createTestDatabase();
  const ds = new DataSource({ ...dataSourceOptions(db.url), extra: { max: 20 } });
  await ds.initialize();
  return { ds, drop: db.drop };
}

export function buildCore(
  ds: DataSource,
  broker: OrdersBroker,
  over: Partial<OrdersCoreOptions> & { queue?: PlacementQueue } = {},
) {
  const queue = (over.queue as MemoryQueue | undefined) ?? new MemoryQueue();
  const alerts: OrdersAlert[] = [];
  const halts: string[] = [];
  const clock = over.clock ?? new SystemClock();
  const core = createOrdersCore({
    ds,
    broker,
    queue,
    instruments: TEST_INSTRUMENTS,
    clock,
    risk: { check: () => ({ accepted: true }), state: () => 'ACTIVE', halt: (r) => void halts.push(r) },
    alerts: { raise: (a) => void alerts.push(a) },
    rateLimitPerSec: 1000,
    resolveWindowMs: 30_000,
    submitGraceMs: 10_000,
    defaultTtlMs: 60_000,
    enqueueTimeoutMs: 200,
    ...over,
  });
  return { core, queue: queue, alerts, halts, clock };
}

export { ManualClock };
