import type { JobOptions } from 'bull';

/**
 * Every Bull queue's name and default job options, in one place. Job ids are derived from the business
 * key (e.g. `order:<clientOrderId>`) so a re-enqueue is a no-op, and handlers are safe to run twice.
 */
export const QUEUES = {
  orders: 'orders',
  backtests: 'backtests',
  backfill: 'backfill',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOB_OPTIONS: Record<QueueName, JobOptions> = {
  // Order placement is at-most-once: one attempt, never retried by Bull; ambiguity is reconciled.
  orders: { attempts: 1, removeOnComplete: 1000, removeOnFail: 5000 },
  backtests: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
  backfill: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: 100,
    removeOnFail: 100,
  },
};
