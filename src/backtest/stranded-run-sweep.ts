import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { AppConfig } from '@/config/app-config';
import { QUEUES } from '@/queues/queue.constants';
import { backtestJobId, type BacktestJobData } from '@/backtest/backtest-runs.service';
import { RunStore } from '@/backtest/nest/run-store';
import { StrandedRuns, type JobState, type RunJobs } from '@/backtest/nest/stranded-runs';

/** How often each worker process sweeps, and how long a run must be unwritten before it is looked at. */
export const SWEEP_EVERY_MS = 60_000;
export const STALE_AFTER_MS = 10 * 60_000;

/** A run's job as Bull sees it: only waiting, delayed, paused or active jobs can still finish it. */
export class BullRunJobs implements RunJobs {
  constructor(private readonly queue: Pick<Queue<BacktestJobData>, 'getJob'>) {}

  async state(runId: string): Promise<JobState> {
    const job = await this.queue.getJob(backtestJobId(runId));
    if (!job) return { kind: 'gone', why: 'no longer exists' };
    const state = await job.getState();
    switch (state) {
      case 'waiting':
      case 'delayed':
      case 'active':
      case 'paused':
        return { kind: 'alive' };
      case 'failed':
        return { kind: 'gone', why: `failed (${String(job.failedReason ?? 'no reason').slice(0, 200)})` };
      case 'completed':
        return { kind: 'gone', why: 'completed without finishing the run' };
      case 'stuck':
        return { kind: 'gone', why: 'is in no queue list (stuck)' };
    }
  }
}

/**
 * Runs the stranded-run sweep in `worker` processes every SWEEP_EVERY_MS (see stranded-runs.ts). A
 * sweep that cannot reach Redis or PostgreSQL fails nothing and is tried again at the next tick.
 */
@Injectable()
export class StrandedRunSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StrandedRunSweep.name);
  private readonly runs: StrandedRuns;
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly config: AppConfig,
    store: RunStore,
    @InjectQueue(QUEUES.backtests) queue: Queue<BacktestJobData>,
  ) {
    this.runs = new StrandedRuns({
      store,
      jobs: new BullRunJobs(queue),
      staleAfterMs: STALE_AFTER_MS,
      onFailed: (id, message) => this.logger.warn(`run ${id} marked failed (STALLED): ${message}`),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('worker')) return;
    this.timer = setInterval(() => void this.tick(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep unless one is still going; never throws. */
  async tick(now = Date.now()): Promise<string[]> {
    if (this.sweeping) return [];
    this.sweeping = true;
    try {
      return await this.runs.sweep(now);
    } catch (err) {
      this.logger.warn(`stranded-run sweep skipped: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    } finally {
      this.sweeping = false;
    }
  }
}
