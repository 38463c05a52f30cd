import type { Queue } from 'bull';
import { JOB_OPTIONS, QUEUES } from '@/queues/queue.constants';
import type { PlacementJob, PlacementQueue } from './orders.ports';

/**
 * The Bull side of placement. A job that finished (completed or failed) while its order is still
 * QUEUED (say the worker crashed before claiming) is replaced, so the relay can always get it run again.
 */
export class BullPlacementQueue implements PlacementQueue {
  constructor(private readonly queue: Queue<PlacementJob>) {}

  async add(jobId: string, data: PlacementJob): Promise<void> {
    const existing = await this.queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed') return;
      await existing.remove();
    }
    await this.queue.add(data, { ...JOB_OPTIONS[QUEUES.orders], jobId });
  }

  async has(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    return state !== 'completed' && state !== 'failed';
  }
}
