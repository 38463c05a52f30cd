import { In, type DataSource, type EntityManager } from 'typeorm';
import { OrderEntity } from './entities/order.entity';
import { OrderEventEntity } from './entities/order-event.entity';
import { OrderOutboxEntity } from './entities/order-outbox.entity';
import { TradeEntity } from './entities/trade.entity';
import {
  applyOrderInput,
  type EventSource,
  type OrderInput,
  type OrderStatus,
  type Step,
} from './order-state';
import type { FillView } from './order-view';
import { CLAIM_SQL, insertOrderSql, insertParts, rowToEntity } from './order-sql';
import { countApplied, countClaimed, countInserted } from './orders.metrics';

export interface EventDraft {
  source: EventSource;
  type: string;
  fromStatus?: OrderStatus | null;
  toStatus?: OrderStatus | null;
  details?: Record<string, unknown> | null;
}

export type OrderPatch = Partial<
  Pick<
    OrderEntity,
    | 'brokerOrderId'
    | 'reasonCode'
    | 'reasonMessage'
    | 'routing'
    | 'pricePaise'
    | 'triggerPricePaise'
    | 'trailingStopPaise'
  >
>;

export interface ApplyResult {
  order: OrderEntity;
  step: Step;
  /** True when anything was written (state or patch). */
  written: boolean;
  fill: FillView | null;
}

export type ClaimResult =
  | { kind: 'claimed'; order: OrderEntity }
  | { kind: 'expired'; order: OrderEntity }
  | { kind: 'skipped'; status: OrderStatus | null };

const PG_UNIQUE_VIOLATION = '23505';

/**
 * All order persistence. Every state change goes through `apply` (row lock, pure reducer, event, fill)
 * or `claim` (the conditional QUEUED -> SUBMITTING update that makes placement at-most-once).
 */
export class OrderStore {
  private readonly tagPool: number[] = [];
  private tagFill: Promise<void> | null = null;

  constructor(readonly ds: DataSource) {}

  /** Sequence values are taken 32 at a time: unique all the same, one round trip per 32 orders. */
  async nextTagSequence(): Promise<number> {
    if (!this.tagPool.length) {
      this.tagFill ??= this.ds
        .query(`SELECT nextval('order_tag_seq') AS v FROM generate_series(1, 32)`)
        .then((rows: { v: string }[]) => void this.tagPool.push(...rows.map((r) => Number(r.v))))
        .finally(() => (this.tagFill = null));
      await this.tagFill;
      if (!this.tagPool.length) return this.nextTagSequence();
    }
    return this.tagPool.shift()!;
  }

  findById(id: string): Promise<OrderEntity | null> {
    return this.ds.getRepository(OrderEntity).findOne({ where: { id } });
  }

  findByClientOrderId(userId: string, clientOrderId: string): Promise<OrderEntity | null> {
    return this.ds.getRepository(OrderEntity).findOne({ where: { userId, clientOrderId } });
  }

  async findByBrokerRef(brokerOrderId: string | null, tag: string | null): Promise<OrderEntity | null> {
    const repo = this.ds.getRepository(OrderEntity);
    if (brokerOrderId) {
      const o = await repo.findOne({ where: { brokerOrderId } });
      if (o) return o;
    }
    return tag ? repo.findOne({ where: { ordertag: tag } }) : null;
  }

  findByParent(parentOrderId: string): Promise<OrderEntity[]> {
    return this.ds.getRepository(OrderEntity).find({ where: { parentOrderId }, order: { createdAt: 'ASC' } });
  }

  findByStatus(statuses: OrderStatus[]): Promise<OrderEntity[]> {
    return this.ds
      .getRepository(OrderEntity)
      .find({ where: { status: In(statuses) }, order: { createdAt: 'ASC' } });
  }

  events(orderId: string): Promise<OrderEventEntity[]> {
    return this.ds.getRepository(OrderEventEntity).find({ where: { orderId }, order: { id: 'ASC' } });
  }

  /**
   * Inserts the order, its first events and (for QUEUED orders) the outbox row in one transaction.
   * A concurrent insert of the same (user, clientOrderId) loses the unique index race and gets the winner.
   */
  async insert(
    order: Partial<OrderEntity>,
    events: EventDraft[],
    outboxJobId: string | null,
  ): Promise<{ order: OrderEntity; created: boolean }> {
    try {
      const { columns, params } = insertParts(this.ds, OrderEntity, order);
      const drafts = events.map((e) => ({
        source: e.source,
        type: e.type,
        from_status: e.fromStatus ?? null,
        to_status: e.toStatus ?? null,
        details: e.details && Object.keys(e.details).length ? e.details : null,
      }));
      const rows: Record<string, unknown>[] = await this.ds.query(insertOrderSql(columns), [
        ...params,
        JSON.stringify(drafts),
        outboxJobId,
      ]);
      if (rows.length)
        return countInserted({ order: rowToEntity(this.ds, OrderEntity, rows[0]), created: true });
      const existing = await this.findByClientOrderId(order.userId!, order.clientOrderId!);
      if (existing) return { order: existing, created: false };
      throw new Error(`order ${order.clientOrderId} neither inserted nor found`);
    } catch (err) {
      if ((err as { code?: string }).code === PG_UNIQUE_VIOLATION && order.userId && order.clientOrderId) {
        const existing = await this.findByClientOrderId(order.userId, order.clientOrderId);
        if (existing) return { order: existing, created: false };
      }
      throw err;
    }
  }

  /**
   * The at-most-once gate: only one caller ever moves an order out of QUEUED. An order past its
   * expiry is moved to EXPIRED instead, so a late job can never send it.
   */
  async claim(orderId: string, now: number, source: EventSource = 'WORKER'): Promise<ClaimResult> {
    const claimed: Record<string, unknown>[] = await this.ds.query(CLAIM_SQL, [
      orderId,
      new Date(now),
      source,
    ]);
    if (claimed.length === 1)
      return countClaimed({ kind: 'claimed', order: rowToEntity(this.ds, OrderEntity, claimed[0]) });
    return this.ds.transaction(async (m) => {
      const o = await m.findOne(OrderEntity, { where: { id: orderId }, lock: { mode: 'pessimistic_write' } });
      if (o && o.status === 'QUEUED' && o.expiresAt && o.expiresAt.getTime() <= now) {
        await this.write(m, o, applyOrderInput(this.stateOf(o), { type: 'EXPIRE' }), {}, now);
        await this.addEvent(m, o.id, {
          source,
          type: 'EXPIRE',
          fromStatus: 'QUEUED',
          toStatus: 'EXPIRED',
          details: { expiresAt: o.expiresAt.toISOString() },
        });
        await m.update(OrderOutboxEntity, { orderId }, { doneAt: new Date(now) });
        return countClaimed({ kind: 'expired', order: o });
      }
      return { kind: 'skipped', status: o?.status ?? null };
    });
  }

  /** Applies one input under a row lock; writes the order, one event and any fill, or nothing. */
  async apply(
    orderId: string,
    input: OrderInput,
    source: EventSource,
    now: number,
    opts: {
      type?: string;
      details?: Record<string, unknown>;
      patch?: OrderPatch;
      fillId?: string | null;
    } = {},
  ): Promise<ApplyResult> {
    return this.ds.transaction(async (m) => {
      const o = await m.findOne(OrderEntity, { where: { id: orderId }, lock: { mode: 'pessimistic_write' } });
      if (!o) throw new Error(`order ${orderId} not found`);
      const before = this.stateOf(o);
      const step = applyOrderInput(before, input);
      const patch = Object.fromEntries(
        Object.entries(opts.patch ?? {}).filter(
          ([k, v]) => v !== undefined && o[k as keyof OrderEntity] !== v,
        ),
      );
      if (!step.changed && Object.keys(patch).length === 0)
        return { order: o, step, written: false, fill: null };
      await this.write(m, o, step, patch, now);
      await this.addEvent(m, o.id, {
        source,
        type: opts.type ?? input.type,
        fromStatus: before.status,
        toStatus: step.state.status,
        details: {
          ...(opts.details ?? {}),
          ...(step.changed && step.state.filledQty !== before.filledQty
            ? { filledQuantity: step.state.filledQty }
            : {}),
        },
      });
      if (step.state.status !== 'QUEUED' && before.status === 'QUEUED')
        await m.update(OrderOutboxEntity, { orderId }, { doneAt: new Date(now) });
      const fill = await this.recordFill(
        m,
        o,
        before.filledQty,
        before.avgPricePaise,
        now,
        opts.fillId ?? null,
      );
      return countApplied({ order: o, step, written: true, fill });
    });
  }

  async recordEvent(orderId: string, e: EventDraft): Promise<void> {
    await this.addEvent(this.ds.manager, orderId, e);
  }

  async pendingOutbox(limit: number): Promise<{ orderId: string; jobId: string; status: OrderStatus }[]> {
    return this.ds.query(
      `SELECT ob.order_id AS "orderId", ob.job_id AS "jobId", o.status AS status
       FROM order_outbox ob JOIN orders o ON o.id = ob.order_id
       WHERE ob.done_at IS NULL ORDER BY ob.id LIMIT $1`,
      [limit],
    );
  }

  async markOutbox(orderId: string, now: number, outcome: 'enqueued' | 'done'): Promise<void> {
    if (outcome === 'done')
      await this.ds.getRepository(OrderOutboxEntity).update({ orderId }, { doneAt: new Date(now) });
    else
      await this.ds.query(
        `UPDATE order_outbox SET enqueued_at = $2, enqueue_attempts = enqueue_attempts + 1 WHERE order_id = $1`,
        [orderId, new Date(now)],
      );
  }

  stateOf(o: OrderEntity) {
    return {
      status: o.status,
      quantity: o.quantity,
      filledQty: o.filledQuantity,
      avgPricePaise: o.avgPricePaise,
    };
  }

  private async write(
    m: EntityManager,
    o: OrderEntity,
    step: Step,
    patch: Record<string, unknown>,
    now: number,
  ): Promise<void> {
    Object.assign(o, patch);
    o.status = step.state.status;
    o.quantity = step.state.quantity;
    o.filledQuantity = step.state.filledQty;
    o.avgPricePaise = step.state.avgPricePaise;
    o.version += 1;
    o.updatedAt = new Date(now);
    await m.update(
      OrderEntity,
      { id: o.id },
      {
        ...patch,
        status: o.status,
        quantity: o.quantity,
        filledQuantity: o.filledQuantity,
        avgPricePaise: o.avgPricePaise,
        version: o.version,
        updatedAt: o.updatedAt,
      },
    );
  }

  private async recordFill(
    m: EntityManager,
    o: OrderEntity,
    prevQty: number,
    prevAvg: number,
    now: number,
    fillId: string | null,
  ): Promise<FillView | null> {
    const delta = o.filledQuantity - prevQty;
    if (delta <= 0) return null;
    // The broker reports a cumulative average; the fill's own price is what moves it there.
    const pricePaise = Math.round((o.avgPricePaise * o.filledQuantity - prevAvg * prevQty) / delta);
    const res = await m
      .createQueryBuilder()
      .insert()
      .into(TradeEntity)
      .values({
        orderId: o.id,
        userId: o.userId,
        brokerOrderId: o.brokerOrderId,
        brokerFillId: fillId,
        symbol: o.symbol,
        side: o.side,
        quantity: delta,
        cumQuantity: o.filledQuantity,
        pricePaise,
        strategyId: o.strategyId,
        filledAt: new Date(now),
      })
      .orIgnore()
      .execute();
    if (!res.identifiers.length || res.identifiers[0] === undefined) return null;
    return {
      orderId: o.id,
      userId: o.userId,
      symbol: o.symbol,
      side: o.side,
      quantity: delta,
      pricePaise,
      cumQuantity: o.filledQuantity,
      strategyId: o.strategyId,
      product: o.product,
      at: now,
    };
  }

  private async addEvent(m: EntityManager, orderId: string, e: EventDraft): Promise<void> {
    const row = m.create(OrderEventEntity, {
      orderId,
      source: e.source,
      type: e.type,
      fromStatus: e.fromStatus ?? null,
      toStatus: e.toStatus ?? null,
      details: e.details && Object.keys(e.details).length ? e.details : null,
    });
    await m.save(OrderEventEntity, row, { reload: false });
  }
}
