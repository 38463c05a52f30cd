import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@/audit/audit.service';
import { Role, roleAtLeast, type AuthUser } from '@/auth/role.enum';
import { AppError, NotFoundError, ServiceUnavailableError } from '@/common/errors';
import { JOB_OPTIONS, QUEUES } from '@/queues/queue.constants';
import { useRegistry } from '@/backtest/backtest-spec';
import type { BacktestRunEntity } from '@/backtest/backtest-run.entity';
import type {
  BacktestRunDto,
  EquityDto,
  RunAcceptedDto,
  RunPageDto,
  TradePageDto,
} from '@/backtest/backtest-results.dto';
import type {
  BacktestCsvQueryDto,
  CreateBacktestDto,
  RunListQueryDto,
  TradeListQueryDto,
} from '@/backtest/backtests.dto';
import type { CreateOptimizationDto, OptimizationRunDto } from '@/backtest/optimizations.dto';
import {
  buildBacktestSpec,
  buildOptimizationSpec,
  type BuildOutcome,
} from '@/backtest/nest/run-spec-builder';
import { RunStore, type HeavyColumn } from '@/backtest/nest/run-store';
import { equityView, optimizationView, runView, tradeView } from '@/backtest/nest/run-view';
import { BacktestErrorCode, type RunKind } from '@/backtest/nest/run.types';
import { paiseToRupeeNumber } from '@/common/money';

export interface BacktestJobData {
  runId: string;
}

/** `backtest:<runId>` for both kinds: one job per run, so a re-enqueue is a no-op. */
export const backtestJobId = (runId: string): string => `backtest:${runId}`;

const LABEL: Record<RunKind, string> = { backtest: 'Backtest', optimization: 'Optimization' };

/**
 * The API side of backtests and optimisations: validate and queue runs, show them to their owner (or
 * an admin), serve results, cancel. The work itself happens in the worker (BacktestProcessor).
 */
@Injectable()
export class BacktestRunsService {
  private readonly logger = new Logger(BacktestRunsService.name);

  constructor(
    private readonly store: RunStore,
    @InjectQueue(QUEUES.backtests) private readonly queue: Queue<BacktestJobData>,
    private readonly audit: AuditService,
  ) {}

  createBacktest(user: AuthUser, dto: CreateBacktestDto): Promise<RunAcceptedDto> {
    return this.enqueue(user, 'backtest', buildBacktestSpec(dto, useRegistry()));
  }

  /** The CSV is the body; the settings come from the query string (params as a JSON object). */
  createBacktestFromCsv(user: AuthUser, q: BacktestCsvQueryDto, body: unknown): Promise<RunAcceptedDto> {
    if (typeof body !== 'string' || body.trim() === '')
      throw new AppError(BacktestErrorCode.InvalidCsv, 'send the candles as a text/csv body');
    let params: unknown = {};
    if (q.params !== undefined) {
      try {
        params = JSON.parse(q.params);
      } catch {
        params = null;
      }
      if (params === null || typeof params !== 'object' || Array.isArray(params))
        throw new AppError(BacktestErrorCode.InvalidParams, 'params must be a JSON object, e.g. {"fast":20}');
    }
    const { params: _ignored, ...rest } = q;
    const dto: CreateBacktestDto = { ...rest, params: params as Record<string, unknown>, csv: body };
    return this.createBacktest(user, dto);
  }

  createOptimization(user: AuthUser, dto: CreateOptimizationDto): Promise<RunAcceptedDto> {
    return this.enqueue(user, 'optimization', buildOptimizationSpec(dto, useRegistry()));
  }

  async list(user: AuthUser, kind: RunKind, q: RunListQueryDto): Promise<RunPageDto> {
    const admin = roleAtLeast(user.role, Role.Admin);
    const { items, total } = await this.store.page({
      kind,
      ...(admin ? {} : { userId: user.id }),
      status: q.status,
      page: q.page,
      pageSize: q.pageSize,
    });
    return { items: items.map(runView), total, page: q.page, pageSize: q.pageSize };
  }

  async get(user: AuthUser, id: string): Promise<BacktestRunDto> {
    return runView(await this.visible(user, 'backtest', id));
  }

  async getOptimization(user: AuthUser, id: string): Promise<OptimizationRunDto> {
    return optimizationView(await this.visible(user, 'optimization', id, ['optimization']));
  }

  async trades(user: AuthUser, id: string, q: TradeListQueryDto): Promise<TradePageDto> {
    const run = this.completed(await this.visible(user, 'backtest', id, ['trades']));
    const all = run.trades ?? [];
    const start = (q.page - 1) * q.pageSize;
    return {
      items: all.slice(start, start + q.pageSize).map(tradeView),
      total: all.length,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async equity(user: AuthUser, id: string): Promise<EquityDto> {
    const run = this.completed(await this.visible(user, 'backtest', id, ['equity']));
    return {
      startingCapital: paiseToRupeeNumber(run.spec.backtest.capitalPaise),
      points: (run.equity ?? []).map(equityView),
    };
  }

  async report(user: AuthUser, id: string): Promise<string> {
    const run = this.completed(await this.visible(user, 'backtest', id, ['reportHtml']));
    if (!run.reportHtml) throw new NotFoundError('Report', id);
    return run.reportHtml;
  }

  /**
   * Queued or running -> cancelled. A queued job is also removed from Bull; a running one stops at
   * the worker's next progress check and writes nothing more.
   */
  async cancel(user: AuthUser, kind: RunKind, id: string): Promise<BacktestRunDto> {
    const run = await this.visible(user, kind, id);
    if (!(await this.store.cancel(id))) {
      throw new AppError(
        BacktestErrorCode.NotCancellable,
        `${LABEL[kind]} ${id} is ${run.status} and can no longer be cancelled`,
        HttpStatus.CONFLICT,
        { status: run.status },
      );
    }
    await this.removeWaitingJob(id);
    await this.audit.record({
      actorId: user.id,
      actorName: user.username,
      action: `${kind}.cancel`,
      target: id,
    });
    return runView((await this.store.get(id))!);
  }

  private async enqueue(user: AuthUser, kind: RunKind, built: BuildOutcome): Promise<RunAcceptedDto> {
    if (!built.ok) {
      const { code, message, details } = built.refusal;
      throw new AppError(code, message, HttpStatus.BAD_REQUEST, details);
    }
    const id = randomUUID();
    await this.store.insert({ id, kind, userId: user.id, spec: built.spec, inputCsv: built.csv });
    try {
      await this.queue.add({ runId: id }, { ...JOB_OPTIONS[QUEUES.backtests], jobId: backtestJobId(id) });
    } catch (err) {
      this.logger.error(`could not queue ${kind} ${id}: ${err instanceof Error ? err.message : String(err)}`);
      await this.store.fail(id, BacktestErrorCode.QueueUnavailable, 'the job queue was unreachable');
      throw new ServiceUnavailableError('the backtest queue is unavailable; try again shortly');
    }
    const b = built.spec.backtest;
    await this.audit.record({
      actorId: user.id,
      actorName: user.username,
      action: `${kind}.create`,
      target: id,
      details: {
        symbol: b.symbol,
        interval: b.interval,
        strategy: b.strategy,
        source: built.spec.source.kind,
      },
    });
    return { id, status: 'queued' };
  }

  /** The run if this user may see it; someone else's run is reported as absent, not forbidden. */
  private async visible(
    user: AuthUser,
    kind: RunKind,
    id: string,
    extra: HeavyColumn[] = [],
  ): Promise<BacktestRunEntity> {
    const run = await this.store.get(id, extra);
    if (!run || run.kind !== kind || (run.userId !== user.id && !roleAtLeast(user.role, Role.Admin)))
      throw new NotFoundError(LABEL[kind], id);
    return run;
  }

  private completed(run: BacktestRunEntity): BacktestRunEntity {
    if (run.status !== 'completed')
      throw new AppError(
        BacktestErrorCode.NotReady,
        `backtest ${run.id} is ${run.status}; results exist only once it has completed`,
        HttpStatus.CONFLICT,
        { status: run.status, progress: run.progress },
      );
    return run;
  }

  private async removeWaitingJob(id: string): Promise<void> {
    try {
      const job = await this.queue.getJob(backtestJobId(id));
      if (job && ((await job.isWaiting()) || (await job.isDelayed()))) await job.remove();
    } catch (err) {
      // The worker skips a cancelled run anyway; a job left behind costs one status read.
      this.logger.warn(`could not remove job for ${id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
