import type { Queue } from 'bull';
import { JOB_OPTIONS, QUEUES } from '@/queues/queue.constants';
import type { PlacementJob, PlacementQueue } from './orders.ports';

/**
 * The Bull side of placement. `add` is one Redis call on the hot path (Bull ignores a second job with the
 * same id). `has` is for the relay: a job that finished (completed or failed) while its order is still
 * QUEUED (the worker crashed before claiming, or the job stalled out) is removed and reported missing, so
 * the relay's `add` creates it again.
 */
export class BullPlacementQueue implements PlacementQueue {
  constructor(private readonly queue: Queue<PlacementJob>) {}

  async add(jobId: string, data: PlacementJob): Promise<void> {
    await this.queue.add(data, { ...JOB_OPTIONS[QUEUES.orders], jobId });
  }

  async has(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed') return true;
    await job.remove();
    return false;
  }
}
