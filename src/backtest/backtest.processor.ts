import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { AppConfig } from '@/config/app-config';
import { QUEUES } from '@/queues/queue.constants';
import type { BacktestJobData } from '@/backtest/backtest-runs.service';
import { RunExecutor, type RunOutcome } from '@/backtest/nest/run-executor';

/**
 * The `backtests` queue's handler, run only in processes with the `worker` role, one run at a time
 * per process: a backtest is CPU-bound, and optimisations fan out to worker threads themselves.
 */
@Injectable()
export class BacktestProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(BacktestProcessor.name);

  constructor(
    @InjectQueue(QUEUES.backtests) private readonly queue: Queue<BacktestJobData>,
    private readonly config: AppConfig,
    private readonly executor: RunExecutor,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('worker')) return;
    void this.queue.process(1, (job: Job<BacktestJobData>) => this.handle(job));
  }

  async handle(job: Job<BacktestJobData>): Promise<RunOutcome> {
    const outcome = await this.executor.execute(job.data.runId);
    this.logger.log(`run ${job.data.runId}: ${outcome}`);
    return outcome;
  }
}
