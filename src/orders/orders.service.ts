import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Brackets } from 'typeorm';
import { AuditService } from '@/audit/audit.service';
import { Role, roleAtLeast, type AuthUser } from '@/auth/role.enum';
import { rupeesToPaise } from '@/common/money';
import { Clock } from '@/common/clock';
import type { OrderIntent } from '@/domain/execution';
import { OrderEntity } from './entities/order.entity';
import { isTerminal } from './order-state';
import { aggregateSlices } from './slice-aggregate';
import { orderNotFound } from './orders.errors';
import { OrdersRuntime } from './orders.runtime';
import type { CancelAllDto, ListOrdersQueryDto, ModifyOrderDto, PlaceOrderDto } from './orders.dto';
import { toEventView, toOrderView, type OrderEventView, type OrderView } from './order-view';

const rupees = (v: string | number | undefined) => (v === undefined ? undefined : rupeesToPaise(v));

/** The orders API: own orders only (another user's id is 404), admins see and act on all. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly runtime: OrdersRuntime,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  private get core() {
    return this.runtime.core;
  }

  async place(user: AuthUser, dto: PlaceOrderDto): Promise<OrderView> {
    const intent: OrderIntent = {
      clientOrderId: dto.clientOrderId ?? randomUUID(),
      symbol: dto.symbol,
      side: dto.side,
      quantity: dto.quantity,
      type: dto.type,
      product: dto.product,
      validity: dto.validity ?? 'DAY',
      pricePaise: rupees(dto.price),
      triggerPricePaise: rupees(dto.triggerPrice),
      stopLossPaise: rupees(dto.stopLoss),
      takeProfitPaise: rupees(dto.takeProfit),
      trailingStopPaise: rupees(dto.trailingStop),
      strategyId: dto.strategyId,
      userId: user.id,
      reason: 'api',
      createdAt: this.clock.now(),
    };
    return (await this.core.placement.place(intent, { origin: 'API' })).order;
  }

  async list(
    user: AuthUser,
    q: ListOrdersQueryDto,
  ): Promise<{ items: OrderView[]; page: number; pageSize: number; total: number }> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    const qb = this.core.store.ds.getRepository(OrderEntity).createQueryBuilder('o');
    if (!roleAtLeast(user.role, Role.Admin)) qb.andWhere('o.user_id = :uid', { uid: user.id });
    if (q.status) qb.andWhere('o.status = :status', { status: q.status });
    if (q.symbol) qb.andWhere('o.symbol = :symbol', { symbol: q.symbol });
    if (q.strategy)
      qb.andWhere(new Brackets((b) => b.where('o.strategy_id = :strategy', { strategy: q.strategy })));
    const [rows, total] = await qb
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map(toOrderView), page, pageSize, total };
  }

  /**
   * One order with its events. An order sliced above the freeze quantity answers for the whole: its
   * status, quantity, fills and average price sum the slices, each slice listed under `slices`.
   */
  async get(
    user: AuthUser,
    id: string,
  ): Promise<OrderView & { events: OrderEventView[]; slices?: OrderView[] }> {
    const o = await this.owned(user, id);
    const [events, children] = await Promise.all([
      this.core.store.events(o.id),
      o.leg === 'SLICE'
        ? Promise.resolve([])
        : this.core.store.ds
            .getRepository(OrderEntity)
            .find({ where: { parentOrderId: o.id, leg: 'SLICE' }, order: { createdAt: 'ASC' } }),
    ]);
    const view = { ...toOrderView(o), events: events.map(toEventView) };
    if (!children.length) return view;
    const slices = [o, ...children];
    return { ...view, ...aggregateSlices(slices), slices: slices.map(toOrderView) };
  }

  async modify(user: AuthUser, id: string, dto: ModifyOrderDto): Promise<OrderView> {
    const o = await this.owned(user, id);
    return this.core.actions.modify(
      o,
      { quantity: dto.quantity, pricePaise: rupees(dto.price), triggerPricePaise: rupees(dto.triggerPrice) },
      'API',
    );
  }

  async cancel(user: AuthUser, id: string): Promise<OrderView> {
    const o = await this.owned(user, id);
    return this.core.actions.cancel(o, 'API', `cancelled by ${user.username}`);
  }

  async cancelAll(user: AuthUser, dto: CancelAllDto) {
    const all = roleAtLeast(user.role, Role.Admin);
    const open = (
      await this.core.store.findByStatus(['NEW', 'QUEUED', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED'])
    ).filter((o) => all || o.userId === user.id);
    const reason = dto.reason ?? `cancel-all by ${user.username}`;
    const result = await this.core.actions.cancelMany(open, 'API', reason);
    await this.audit.record({
      actorId: user.id,
      actorName: user.username,
      action: 'orders.cancel_all',
      details: { reason, scope: all ? 'all' : 'own', ...result, failed: result.failed.length },
    });
    return result;
  }

  private async owned(user: AuthUser, id: string): Promise<OrderEntity> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw orderNotFound(id);
    const o = await this.core.store.findById(id);
    if (!o || (o.userId !== user.id && !roleAtLeast(user.role, Role.Admin))) throw orderNotFound(id);
    return o;
  }

  /** For other modules: every order not yet terminal (optionally one user's). */
  async openOrders(userId?: string): Promise<OrderView[]> {
    const rows = await this.core.store.findByStatus([
      'NEW',
      'QUEUED',
      'SUBMITTING',
      'UNKNOWN',
      'OPEN',
      'TRIGGER_PENDING',
      'PARTIALLY_FILLED',
      'CANCEL_PENDING',
    ]);
    return rows.filter((o) => !isTerminal(o.status) && (!userId || o.userId === userId)).map(toOrderView);
  }
}
