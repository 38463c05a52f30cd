/**
 * Strategy instances as users manage them: create (type and parameters validated through the
 * registry), list, read, change, start, stop, delete. Every change is audited. The engine host
 * (strategy-engine.host.ts) runs what is asked for; here only the desired state is written, and the
 * local host, when this process runs one, is nudged to act at once.
 */
import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError, type Repository } from 'typeorm';
import { AuditService } from '@/audit/audit.service';
import { roleAtLeast, Role, type AuthUser } from '@/auth/role.enum';
import { paiseToRupees } from '@/common/money';
import { StrategyRegistry } from '@/strategies/registry';
import {
  invalidStrategyParams,
  notStrategyOwner,
  strategyNameTaken,
  strategyNotFound,
  unknownStrategyType,
} from '@/strategies/strategies.errors';
import type {
  CreateStrategyDto,
  StrategyInstanceDto,
  StrategyTypesDto,
  UpdateStrategyDto,
} from './strategies.dto';
import { StrategyEngineHost } from './strategy-engine.host';
import { StrategyInstanceEntity } from './strategy-instance.entity';

@Injectable()
export class StrategiesService {
  private readonly repo: Repository<StrategyInstanceEntity>;

  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly registry: StrategyRegistry,
    private readonly audit: AuditService,
    @Optional() private readonly host?: StrategyEngineHost,
  ) {
    this.repo = ds.getRepository(StrategyInstanceEntity);
  }

  types(): StrategyTypesDto {
    return { types: this.registry.types(), loadErrors: [...this.registry.loadErrors] };
  }

  async create(
    user: AuthUser,
    dto: CreateStrategyDto,
    opts: { isDemo?: boolean } = {},
  ): Promise<StrategyInstanceDto> {
    const params = this.validate(dto.type, dto.params ?? {});
    const now = new Date();
    const row = this.repo.create({
      id: randomUUID(),
      userId: user.id,
      name: dto.name.trim(),
      typeId: dto.type,
      symbols: dto.symbols,
      timeframe: dto.timeframe,
      params,
      desiredState: 'STOPPED',
      status: 'STOPPED',
      error: null,
      metrics: null,
      isDemo: opts.isDemo ?? false,
      createdAt: now,
      updatedAt: now,
    });
    await this.save(row);
    await this.record(user, 'strategies.create', row, {
      type: row.typeId,
      symbols: row.symbols,
      timeframe: row.timeframe,
      params,
    });
    return this.toDto(row);
  }

  async list(): Promise<StrategyInstanceDto[]> {
    const rows = await this.repo.find({ order: { createdAt: 'ASC' } });
    return rows.map((r) => this.toDto(r));
  }

  async get(id: string): Promise<StrategyInstanceDto> {
    return this.toDto(await this.find(id));
  }

  async update(user: AuthUser, id: string, dto: UpdateStrategyDto): Promise<StrategyInstanceDto> {
    const row = await this.owned(user, id);
    const before = { name: row.name, symbols: row.symbols, timeframe: row.timeframe, params: row.params };
    if (dto.params !== undefined) row.params = this.validate(row.typeId, dto.params);
    if (dto.name !== undefined) row.name = dto.name.trim();
    if (dto.symbols !== undefined) row.symbols = dto.symbols;
    if (dto.timeframe !== undefined) row.timeframe = dto.timeframe;
    row.updatedAt = new Date();
    await this.save(row);
    await this.record(user, 'strategies.update', row, {
      before,
      after: { name: row.name, symbols: row.symbols, timeframe: row.timeframe, params: row.params },
    });
    await this.host?.syncNow();
    return this.toDto(await this.find(id));
  }

  async start(user: AuthUser, id: string): Promise<StrategyInstanceDto> {
    const row = await this.owned(user, id);
    // Clearing the error is what lets the host restart an ERRORED instance.
    await this.repo.update(
      { id },
      {
        desiredState: 'RUNNING',
        status: row.status === 'RUNNING' ? 'RUNNING' : 'STARTING',
        error: null,
        updatedAt: new Date(),
      },
    );
    await this.record(user, 'strategies.start', row, {});
    await this.host?.syncNow();
    return this.toDto(await this.find(id));
  }

  async stop(user: AuthUser, id: string): Promise<StrategyInstanceDto> {
    const row = await this.owned(user, id);
    await this.repo.update(
      { id },
      {
        desiredState: 'STOPPED',
        status: row.status === 'ERRORED' ? 'ERRORED' : 'STOPPED',
        updatedAt: new Date(),
      },
    );
    await this.record(user, 'strategies.stop', row, {});
    await this.host?.syncNow();
    return this.toDto(await this.find(id));
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    const row = await this.owned(user, id);
    await this.repo.delete({ id });
    await this.record(user, 'strategies.delete', row, { type: row.typeId, name: row.name });
    await this.host?.syncNow();
  }

  /** Refuses an unknown type or bad parameters with a 400 naming them; returns the complete parameters. */
  private validate(type: string, raw: Record<string, unknown>): Record<string, unknown> {
    const made = this.registry.instantiate(type, raw);
    if (made.ok) return made.params;
    if (made.code === 'UNKNOWN_STRATEGY_TYPE')
      throw unknownStrategyType(
        type,
        this.registry.types().map((t) => t.id),
      );
    throw invalidStrategyParams(made.problems);
  }

  private async find(id: string): Promise<StrategyInstanceEntity> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.findOneBy({ id }) : null;
    if (!row) throw strategyNotFound(id);
    return row;
  }

  /** Traders change their own instances; admins change any. */
  private async owned(user: AuthUser, id: string): Promise<StrategyInstanceEntity> {
    const row = await this.find(id);
    if (row.userId !== user.id && !roleAtLeast(user.role, Role.Admin)) throw notStrategyOwner(id);
    return row;
  }

  private async save(row: StrategyInstanceEntity): Promise<void> {
    try {
      await this.repo.save(row);
    } catch (err) {
      if (err instanceof QueryFailedError && (err as unknown as { code?: string }).code === '23505')
        throw strategyNameTaken(row.name);
      throw err;
    }
  }

  private record(
    user: AuthUser,
    action: string,
    row: StrategyInstanceEntity,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      actorId: user.id,
      actorName: user.username,
      action,
      target: `strategy:${row.id}`,
      details: { name: row.name, ...details },
    });
  }

  toDto(r: StrategyInstanceEntity): StrategyInstanceDto {
    const live = this.host?.view(r.id);
    const m = live?.metrics ?? r.metrics;
    return {
      id: r.id,
      userId: r.userId,
      name: r.name,
      type: r.typeId,
      symbols: r.symbols,
      timeframe: r.timeframe,
      params: r.params,
      desiredState: r.desiredState,
      status: live?.status ?? r.status,
      error: live ? live.error : r.error,
      metrics: m
        ? {
            signals: m.signals,
            signalsSent: m.signalsSent,
            executorRejections: m.executorRejections,
            trades: m.trades,
            wins: m.wins,
            losses: m.losses,
            consecutiveLosses: m.consecutiveLosses ?? 0,
            winRate: m.winRate,
            realisedPnl: paiseToRupees(Math.round(m.realisedPnlPaise)),
            unrealisedPnl: paiseToRupees(Math.round(m.unrealisedPnlPaise)),
            charges: paiseToRupees(Math.round(m.chargesPaise)),
            sharpe: m.sharpe,
            lastSignalAt: m.lastSignalAt === null ? null : new Date(m.lastSignalAt).toISOString(),
          }
        : null,
      isDemo: r.isDemo,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}
