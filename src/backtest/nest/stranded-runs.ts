/**
 * The sweep that ends stranded runs. When Bull gives up on a stalled job (its worker died more often
 * than `maxStalledCount` allows) or the job disappears (Redis lost it, or it was removed), nothing will
 * ever finish its `backtest_runs` row, which would show `running` (or `queued`) forever. The worker
 * role looks periodically for runs not written for a while and fails them with `STALLED` when their
 * job is missing or failed. A job still waiting, delayed or active is left alone however old the row:
 * long candidates write no progress until they finish. When Redis cannot be asked, nothing is failed.
 */
import type { RunStore } from '@/backtest/nest/run-store';
import { BacktestErrorCode } from '@/backtest/nest/run.types';

/** `gone`: the job will never finish the run (missing, failed, or ended without writing it). */
export type JobState = { kind: 'alive' } | { kind: 'gone'; why: string };

/** What the sweep needs from the queue: the state of a run's job. */
export interface RunJobs {
  state(runId: string): Promise<JobState>;
}

export interface StrandedRunsOptions {
  store: Pick<RunStore, 'stale' | 'failStale'>;
  jobs: RunJobs;
  /** A run must be unwritten for this long before its job is even looked at. */
  staleAfterMs: number;
  /** Runs looked at per sweep (the oldest first). */
  batch?: number;
  onFailed?: (runId: string, message: string) => void;
}

export class StrandedRuns {
  constructor(private readonly o: StrandedRunsOptions) {}

  /** One sweep; returns the ids of the runs it failed. */
  async sweep(now = Date.now()): Promise<string[]> {
    const before = new Date(now - this.o.staleAfterMs);
    const failed: string[] = [];
    for (const run of await this.o.store.stale(before, this.o.batch ?? 100)) {
      const job = await this.o.jobs.state(run.id);
      if (job.kind === 'alive') continue;
      const idle = Math.round((now - run.updatedAt.getTime()) / 1000);
      const message = `the run's queue job ${job.why}; the run was ${run.status} with no update for ${idle} s`;
      if (await this.o.store.failStale(run.id, before, BacktestErrorCode.Stalled, message)) {
        failed.push(run.id);
        this.o.onFailed?.(run.id, message);
      }
    }
    return failed;
  }
}
