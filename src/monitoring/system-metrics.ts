import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Job, JobCounts, Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { gauge, histogram } from './metrics';

/** The part of pg's Pool we read; TypeORM's PostgresDriver keeps it as `driver.master`. */
interface PgPoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

export interface SystemMetricsOptions {
  /** The app's TypeORM DataSource (PostgreSQL); its pg pool is sampled. */
  dataSource?: DataSource;
  /** Bull queues to sample (depth) and to time (jobs processed by this process). */
  queues?: Queue[];
  /** Sampling period for gauges. Default 5 s. */
  intervalMs?: number;
}

const eventLoopLag = gauge({
  name: 'trading_bot_event_loop_lag_seconds',
  help: 'Event-loop delay over the last sampling window (quantile 0.5, 0.99, 1)',
  labelNames: ['quantile'],
});
const dbPool = gauge({
  name: 'trading_bot_db_pool_connections',
  help: 'PostgreSQL pool connections (total, idle, waiting, max)',
  labelNames: ['state'],
});
const queueJobs = gauge({
  name: 'trading_bot_queue_jobs',
  help: 'Bull jobs per queue and state (waiting, active, delayed, failed)',
  labelNames: ['queue', 'state'],
});
const jobDuration = histogram({
  name: 'trading_bot_queue_job_duration_seconds',
  help: 'Bull job processing time (completed or failed)',
  labelNames: ['queue', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
});

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * System metrics that belong to no feature module: event-loop delay, database pool use, Bull queue depth
 * and job durations. Gauges are sampled on a timer (unref'd, so it never keeps the process alive) rather
 * than at scrape time, so several scrapers do not reset each other's event-loop window.
 * Job durations come from the queue's local `completed`/`failed` events, i.e. only for jobs this process
 * ran: in a split deployment the worker role reports them.
 */
export class SystemMetrics {
  private readonly loop: IntervalHistogram;
  private timer?: NodeJS.Timeout;
  private readonly detach: (() => void)[] = [];

  constructor(private readonly opts: SystemMetricsOptions = {}) {
    this.loop = monitorEventLoopDelay({ resolution: 10 });
  }

  start(): void {
    if (this.timer) return;
    this.loop.enable();
    for (const q of this.opts.queues ?? []) this.timeJobs(q);
    this.timer = setInterval(() => void this.sample(), this.opts.intervalMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.loop.disable();
    for (const d of this.detach.splice(0)) d();
  }

  /** One sampling pass (the timer calls it; specs call it directly). Never throws. */
  async sample(): Promise<void> {
    this.sampleEventLoop();
    this.sampleDbPool();
    await Promise.all((this.opts.queues ?? []).map((q) => this.sampleQueue(q)));
  }

  private sampleEventLoop(): void {
    if (this.loop.count === 0) return;
    // the histogram reports nanoseconds
    eventLoopLag.set({ quantile: '0.5' }, this.loop.percentile(50) / 1e9);
    eventLoopLag.set({ quantile: '0.99' }, this.loop.percentile(99) / 1e9);
    eventLoopLag.set({ quantile: '1' }, this.loop.max / 1e9);
    this.loop.reset();
  }

  private sampleDbPool(): void {
    const pool = poolOf(this.opts.dataSource);
    if (!pool) return;
    dbPool.set({ state: 'total' }, pool.totalCount);
    dbPool.set({ state: 'idle' }, pool.idleCount);
    dbPool.set({ state: 'waiting' }, pool.waitingCount);
    if (pool.options?.max !== undefined) dbPool.set({ state: 'max' }, pool.options.max);
  }

  private async sampleQueue(q: Queue): Promise<void> {
    let counts: JobCounts;
    try {
      counts = await q.getJobCounts();
    } catch {
      return; // Redis down: keep the last values; readiness reports the outage
    }
    for (const s of QUEUE_STATES) queueJobs.set({ queue: q.name, state: s }, counts[s] ?? 0);
  }

  private timeJobs(q: Queue): void {
    const observe = (status: 'completed' | 'failed') => (job: Job) => {
      if (job.processedOn && job.finishedOn)
        jobDuration.observe({ queue: q.name, status }, (job.finishedOn - job.processedOn) / 1000);
    };
    const onCompleted = observe('completed');
    const onFailed = observe('failed');
    q.on('completed', onCompleted);
    q.on('failed', onFailed);
    this.detach.push(() => {
      q.removeListener('completed', onCompleted);
      q.removeListener('failed', onFailed);
    });
  }
}

function poolOf(ds: DataSource | undefined): PgPoolLike | undefined {
  if (!ds?.isInitialized) return undefined;
  const master = (ds.driver as unknown as { master?: PgPoolLike }).master;
  return master && typeof master.totalCount === 'number' ? master : undefined;
}
