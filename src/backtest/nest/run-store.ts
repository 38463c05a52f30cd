/**
 * Every read and write of `backtest_runs`. Status changes are conditional updates, so the API's cancel
 * and the worker's finish never overwrite each other: a run leaves `running` exactly once.
 */
import { In, LessThan, type DataSource, type FindOptionsSelect, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { BacktestRunEntity } from '@/backtest/backtest-run.entity';
import type { BacktestMetrics } from '@/backtest/metrics';
import type {
  RunKind,
  RunStatus,
  StoredEquityPoint,
  StoredOptimization,
  StoredRunSpec,
  StoredTrade,
} from '@/backtest/nest/run.types';

/** The columns a status view needs (not the trades, equity, report or input CSV). */
const LIGHT: (keyof BacktestRunEntity)[] = [
  'id',
  'kind',
  'userId',
  'status',
  'progress',
  'spec',
  'metrics',
  'errorCode',
  'error',
  'createdAt',
  'updatedAt',
  'startedAt',
  'finishedAt',
];

function selectOf(cols: (keyof BacktestRunEntity)[]): FindOptionsSelect<BacktestRunEntity> {
  return Object.fromEntries(cols.map((c) => [c, true]));
}

export type HeavyColumn = 'trades' | 'equity' | 'optimization' | 'reportHtml' | 'inputCsv';

export interface RunResults {
  metrics: BacktestMetrics | null;
  trades?: StoredTrade[];
  equity?: StoredEquityPoint[];
  optimization?: StoredOptimization;
  reportHtml?: string;
}

export class RunStore {
  private readonly repo: Repository<BacktestRunEntity>;

  constructor(ds: DataSource) {
    this.repo = ds.getRepository(BacktestRunEntity);
  }

  async insert(row: {
    id: string;
    kind: RunKind;
    userId: string;
    spec: StoredRunSpec;
    inputCsv: string | null;
  }): Promise<void> {
    const now = new Date();
    const entity: Partial<BacktestRunEntity> = {
      ...row,
      status: 'queued',
      progress: 0,
      createdAt: now,
      updatedAt: now,
    };
    // The jsonb spec's open-ended params defeat TypeORM's deep-partial type; the shape is the entity's.
    await this.repo.insert(entity as QueryDeepPartialEntity<BacktestRunEntity>);
  }

  /** Status view of one run, optionally with some heavy columns. */
  async get(id: string, extra: HeavyColumn[] = []): Promise<BacktestRunEntity | null> {
    return this.repo.findOne({ where: { id }, select: selectOf([...LIGHT, ...extra]) });
  }

  async page(q: {
    kind: RunKind;
    userId?: string;
    status?: RunStatus;
    page: number;
    pageSize: number;
  }): Promise<{ items: BacktestRunEntity[]; total: number }> {
    const [items, total] = await this.repo.findAndCount({
      where: {
        kind: q.kind,
        ...(q.userId ? { userId: q.userId } : {}),
        ...(q.status ? { status: q.status } : {}),
      },
      select: selectOf(LIGHT),
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items, total };
  }

  /**
   * The worker takes the run: from `queued`, or from `running` when Bull re-delivers a stalled job
   * (its lock guarantees one holder at a time). False when it was cancelled or already finished.
   */
  async claim(id: string): Promise<boolean> {
    const now = new Date();
    const res = await this.repo.update(
      { id, status: In(['queued', 'running']) },
      { status: 'running', startedAt: now, updatedAt: now, progress: 0 },
    );
    return (res.affected ?? 0) > 0;
  }

  /** Records progress; false when the run is no longer running (cancelled), so the worker stops. */
  async progress(id: string, progress: number): Promise<boolean> {
    const res = await this.repo.update(
      { id, status: 'running' },
      { progress: Math.max(0, Math.min(1, progress)), updatedAt: new Date() },
    );
    return (res.affected ?? 0) > 0;
  }

  async isRunning(id: string): Promise<boolean> {
    return this.repo.exists({ where: { id, status: 'running' } });
  }

  async complete(id: string, results: RunResults): Promise<boolean> {
    const now = new Date();
    const res = await this.repo.update(
      { id, status: 'running' },
      {
        status: 'completed',
        progress: 1,
        metrics: results.metrics,
        trades: results.trades ?? null,
        equity: results.equity ?? null,
        optimization: results.optimization ?? null,
        reportHtml: results.reportHtml ?? null,
        finishedAt: now,
        updatedAt: now,
      },
    );
    return (res.affected ?? 0) > 0;
  }

  /** Marks a queued or running run failed (the worker's error, or an enqueue that never happened). */
  async fail(id: string, code: string, message: string): Promise<boolean> {
    const now = new Date();
    const res = await this.repo.update(
      { id, status: In(['queued', 'running']) },
      { status: 'failed', errorCode: code, error: message.slice(0, 4000), finishedAt: now, updatedAt: now },
    );
    return (res.affected ?? 0) > 0;
  }

  /** Queued or running -> cancelled; false when the run had already finished. */
  async cancel(id: string): Promise<boolean> {
    const now = new Date();
    const res = await this.repo.update(
      { id, status: In(['queued', 'running']) },
      { status: 'cancelled', finishedAt: now, updatedAt: now },
    );
    return (res.affected ?? 0) > 0;
  }

  /** Queued or running runs not written since `before`, oldest first: candidates for the stalled sweep. */
  async stale(
    before: Date,
    limit: number,
  ): Promise<Pick<BacktestRunEntity, 'id' | 'status' | 'updatedAt'>[]> {
    return this.repo.find({
      where: { status: In(['queued', 'running']), updatedAt: LessThan(before) },
      select: { id: true, status: true, updatedAt: true },
      order: { updatedAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * Fails a queued or running run only if it is still unwritten since `before`: a worker that claimed
   * it or reported progress in the meantime (a re-delivered job) keeps it.
   */
  async failStale(id: string, before: Date, code: string, message: string): Promise<boolean> {
    const now = new Date();
    const res = await this.repo.update(
      { id, status: In(['queued', 'running']), updatedAt: LessThan(before) },
      { status: 'failed', errorCode: code, error: message.slice(0, 4000), finishedAt: now, updatedAt: now },
    );
    return (res.affected ?? 0) > 0;
  }
}
