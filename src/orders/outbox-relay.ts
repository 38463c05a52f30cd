import { Logger } from '@nestjs/common';
import type { Clock } from '@/common/clock';
import type { OrderStore } from './order.store';
import type { PlacementQueue } from './orders.ports';

/**
 * Re-enqueues placement jobs that Bull does not hold (Redis was down at placement, or lost its data).
 * Safe to run anywhere, any number of times: job ids are deterministic and the worker's claim admits
 * one send per order whatever the number of jobs.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  constructor(
    private readonly store: OrderStore,
    private readonly queue: PlacementQueue,
    private readonly clock: Clock,
    /** A Redis call slower than this counts as Redis down for this round (ioredis queues commands offline). */
    private readonly timeoutMs = 2_000,
  ) {}

  async runOnce(limit = 500): Promise<{ enqueued: number; closed: number; failed: number }> {
    const out = { enqueued: 0, closed: 0, failed: 0 };
    for (const row of await this.store.pendingOutbox(limit)) {
      if (row.status !== 'QUEUED') {
        await this.store.markOutbox(row.orderId, this.clock.now(), 'done');
        out.closed++;
        continue;
      }
      try {
        if (!(await within(this.timeoutMs, this.queue.has(row.jobId)))) {
          await within(
            this.timeoutMs,
            this.queue.add(row.jobId, { orderId: row.orderId, ...(row.verify ? { verify: true } : {}) }),
          );
          out.enqueued++;
        }
        await this.store.markOutbox(row.orderId, this.clock.now(), 'enqueued');
      } catch (err) {
        out.failed++;
        this.logger.warn(`outbox relay: cannot enqueue ${row.jobId}: ${(err as Error).message}`);
        break; // Redis is down: stop for this round rather than time out once per row.
      }
    }
    return out;
  }
}

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`Redis did not answer in ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}
