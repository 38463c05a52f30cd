import { HttpStatus, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { Brackets } from 'typeorm';
import { AuditService } from '@/audit/audit.service';
import { Role, roleAtLeast, type AuthUser } from '@/auth/role.enum';
import { rupeesToPaise } from '@/common/money';
import { Clock } from '@/common/clock';
import { AppError } from '@/common/errors';
import type { OrderIntent } from '@/domain/execution';
import { OrderEntity } from './entities/order.entity';
import { isTerminal } from './order-state';
import { aggregateSlices } from './slice-aggregate';
import { orderNotFound, OrdersErrorCode } from './orders.errors';
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
      clientOrderId: dto.clientOrderId ?? uuidv7(),
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
    return this.view(await this.owned(user, id));
  }

  private async view(
    o: OrderEntity,
  ): Promise<OrderView & { events: OrderEventView[]; slices?: OrderView[] }> {
    const [events, children] = await Promise.all([this.core.store.events(o.id), this.slicesOf(o)]);
    const view = { ...toOrderView(o), events: events.map(toEventView) };
    if (!children.length) return view;
    const slices = [o, ...children];
    return { ...view, ...aggregateSlices(slices), slices: slices.map(toOrderView) };
  }

  /**
   * A sliced order is refused as a whole (409 ORDER_NOT_MODIFIABLE, reason SLICED): there is no one
   * meaning for a new quantity spread over slices, and changing their prices one by one could leave them
   * half changed. Cancel it and place it again.
   */
  async modify(user: AuthUser, id: string, dto: ModifyOrderDto): Promise<OrderView> {
    const o = await this.owned(user, id);
    const children = await this.slicesOf(o);
    if (children.length)
      throw new AppError(
        OrdersErrorCode.NotModifiable,
        `order ${o.id} was split into ${children.length + 1} slices above the freeze quantity and cannot be modified: cancel it and place it again`,
        HttpStatus.CONFLICT,
        { reason: 'SLICED', slices: [o.id, ...children.map((c) => c.id)] },
      );
    return this.core.actions.modify(
      o,
      { quantity: dto.quantity, pricePaise: rupees(dto.price), triggerPricePaise: rupees(dto.triggerPrice) },
      'API',
    );
  }

  /**
   * Cancels the order and answers with it as `GET /orders/{id}` does. An order sliced above the freeze
   * quantity is cancelled whole: every slice still live is cancelled (a slice's own id cancels that slice
   * only), and the answer sums the slices.
   */
  async cancel(
    user: AuthUser,
    id: string,
  ): Promise<OrderView & { events: OrderEventView[]; slices?: OrderView[] }> {
    const o = await this.owned(user, id);
    const reason = `cancelled by ${user.username}`;
    const children = await this.slicesOf(o);
    if (children.length) await this.core.actions.cancelSlices([o, ...children], 'API', reason);
    else await this.core.actions.cancel(o, 'API', reason);
    return this.view((await this.core.store.findById(o.id)) ?? o);
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

  /** The other slices of an order split above the freeze quantity (none for a slice itself). */
  private slicesOf(o: OrderEntity): Promise<OrderEntity[]> {
    if (o.leg === 'SLICE') return Promise.resolve([]);
    return this.core.store.ds
      .getRepository(OrderEntity)
      .find({ where: { parentOrderId: o.id, leg: 'SLICE' }, order: { createdAt: 'ASC' } });
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
