import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
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
import { ACK_SQL, CLAIM_SQL, insertOrderSql, insertParts, rowToEntity } from './order-sql';
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
  /** The placement hot path's own connections: never queued behind reports, sweeps or API reads. */
  private insertPool: Pool | null = null;
  /** Claims commit asynchronously (see `claim`): their own connections, `synchronous_commit = off`. */
  private claimPool: Pool | null = null;

  constructor(
    readonly ds: DataSource,
    private readonly pools: { insert?: number; claim?: number } = {},
  ) {}

  /** Closes the hot-path pools (the DataSource's own pool is closed by its owner). */
  async close(): Promise<void> {
    const pools = [this.insertPool, this.claimPool];
    this.insertPool = this.claimPool = null;
    await Promise.all(pools.filter((p): p is Pool => p !== null).map((p) => p.end().catch(() => undefined)));
  }

  private pool(kind: 'insert' | 'claim'): Pool {
    const existing = kind === 'insert' ? this.insertPool : this.claimPool;
    if (existing) return existing;
    // The DataSource's pg pool options (URL, TLS, timeouts): the same server, the same credentials.
    const base = (this.ds.driver as unknown as { master: { options: PoolConfig } }).master.options;
    const pool = new Pool({
      ...base,
      max: kind === 'insert' ? (this.pools.insert ?? 4) : (this.pools.claim ?? 4),
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
      ...(kind === 'claim' ? { options: '-c synchronous_commit=off' } : {}),
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    if (kind === 'insert') this.insertPool = pool;
    else this.claimPool = pool;
    return pool;
  }

  /**
   * Sequence values are taken 32 at a time: unique all the same, one round trip per 32 orders. The
   * next batch is fetched in the background once 8 are left, so a placement waits for the sequence
   * only when orders outrun the refill (or on the first order).
   */
  async nextTagSequence(): Promise<number> {
    if (!this.tagPool.length) {
      await this.refillTags();
      if (!this.tagPool.length) return this.nextTagSequence();
    }
    const v = this.tagPool.shift()!;
    if (this.tagPool.length < 8) void this.refillTags().catch(() => undefined);
    return v;
  }

  private refillTags(): Promise<void> {
    this.tagFill ??= this.ds
      .query(`SELECT nextval('order_tag_seq') AS v FROM generate_series(1, 32)`)
      .then((rows: { v: string }[]) => void this.tagPool.push(...rows.map((r) => Number(r.v))))
      .finally(() => (this.tagFill = null));
    return this.tagFill;
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
   *
   * `alongside` runs as soon as the insert is on the wire, before it commits: placement hands the job to
   * the queue there, so the Redis hop overlaps the durable write instead of following it. That is safe
   * because the worker's claim only ever sees a committed order (and waits on the order's advisory lock,
   * held by this statement, when the job outruns the commit); a job for an order that never commits
   * finds nothing to claim and sends nothing.
   */
  async insert(
    order: Partial<OrderEntity>,
    events: EventDraft[],
    outboxJobId: string | null,
    alongside?: (orderId: string) => Promise<unknown>,
  ): Promise<{ order: OrderEntity; created: boolean; alongside?: Promise<unknown> }> {
    // Time-ordered ids: every index keyed by the order id (orders, events, outbox) grows at its right
    // edge, so a commit flushes a few hundred bytes of WAL, not a full-page image per random leaf touched.
    const values: Partial<OrderEntity> = { ...order, id: order.id ?? uuidv7() };
    const id = values.id!;
    try {
      const { columns, types, params } = insertParts(this.ds, OrderEntity, values);
      const drafts = events.map((e) => ({
        source: e.source,
        type: e.type,
        from_status: e.fromStatus ?? null,
        to_status: e.toStatus ?? null,
        details: e.details && Object.keys(e.details).length ? e.details : null,
      }));
      const text = insertOrderSql(columns, types);
      const client: PoolClient = await this.pool('insert').connect();
      let rows: Record<string, unknown>[];
      let side: Promise<unknown> | undefined;
      try {
        // Named: parsed and planned once per connection and column set.
        const pending = client.query({
          name: `orders_insert_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`,
          text,
          values: [...params, JSON.stringify(drafts), outboxJobId, id],
        });
        side = alongside?.(id).catch(() => undefined);
        rows = (await pending).rows as Record<string, unknown>[];
      } finally {
        client.release();
      }
      if (rows.length)
        return countInserted({
          order: rowToEntity(this.ds, OrderEntity, rows[0]),
          created: true,
          alongside: side,
        });
      await side;
      const existing = await this.findByClientOrderId(values.userId!, values.clientOrderId!);
      if (existing) return { order: existing, created: false };
      throw new Error(`order ${values.clientOrderId} neither inserted nor found`);
    } catch (err) {
      if ((err as { code?: string }).code === PG_UNIQUE_VIOLATION && values.userId && values.clientOrderId) {
        const existing = await this.findByClientOrderId(values.userId, values.clientOrderId);
        if (existing) return { order: existing, created: false };
      }
      throw err;
    }
  }

  /**
   * The at-most-once gate: only one caller ever moves an order out of QUEUED. An order past its
   * expiry is moved to EXPIRED instead, so a late job can never send it.
   *
   * The claim commits asynchronously (`synchronous_commit = off` on the claim connections): it is
   * visible to every other claimant at once, which is what makes the send single, and it reaches disk
   * within the WAL writer's delay, or with the order's next durable write (the ACK), whichever is first.
   * Only a crash of the database server itself inside that window can forget a claim; orders placed
   * before the server's last start are therefore looked up at the broker before any send from the
   * outbox relay (see `pendingOutbox` and the submitter's `verify`). A process crash loses nothing.
   *
   * A job can outrun the commit of its order (placement enqueues while the insert is in flight): the
   * claim function waits on the order's advisory lock, which the insert holds until it commits.
   */
  async claim(
    orderId: string,
    now: number,
    source: EventSource = 'WORKER',
    opts: { waitMs?: number } = {},
  ): Promise<ClaimResult> {
    const pool = this.pool('claim');
    const run = async () =>
      (
        await pool.query({
          name: 'orders_claim',
          text: CLAIM_SQL,
          values: [orderId, new Date(now), source],
        })
      ).rows as Record<string, unknown>[];
    // One round trip: `orders_claim` first waits for a still-committing insert of the order.
    let claimed = await run();
    // A job that even beat the insert to the database (its lock not taken yet) looks again briefly.
    for (let delay = 2, waited = 0; claimed.length === 0 && waited < (opts.waitMs ?? 1_000); delay *= 2) {
      const status = await this.statusOf(orderId);
      if (status === 'QUEUED') {
        claimed = await run(); // it committed between the two reads
        break;
      }
      if (status !== undefined) break;
      await new Promise((r) => setTimeout(r, delay));
      waited += delay;
      claimed = await run();
    }
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

  /**
   * The broker accepted a just-sent order: one statement on the hot path's connections (durable, the
   * broker id must not be lost), falling back to `apply` when an update already moved the order on.
   */
  async ack(
    order: OrderEntity,
    status: 'OPEN' | 'TRIGGER_PENDING',
    brokerOrderId: string,
    now: number,
  ): Promise<ApplyResult> {
    const input: OrderInput = { type: 'BROKER_REPORT', status, filledQty: 0, avgPricePaise: 0 };
    const step = applyOrderInput(this.stateOf(order), input);
    if (order.status === 'SUBMITTING' && step.changed && step.state.status === status) {
      const r = await this.pool('insert').query({
        name: 'orders_ack',
        text: ACK_SQL,
        values: [order.id, status, brokerOrderId, new Date(now), JSON.stringify({ brokerOrderId })],
      });
      if (r.rows.length === 1)
        return countApplied({
          order: rowToEntity(this.ds, OrderEntity, r.rows[0] as Record<string, unknown>),
          step,
          written: true,
          fill: null,
        });
    }
    return this.apply(order.id, input, 'BROKER', now, {
      type: 'ACK',
      patch: { brokerOrderId },
      details: { brokerOrderId },
    });
  }

  /** The order's committed status, or undefined when there is no such order (yet). */
  private async statusOf(orderId: string): Promise<OrderStatus | undefined> {
    const r = await this.pool('claim').query({
      name: 'orders_status',
      text: 'SELECT status FROM orders WHERE id = $1',
      values: [orderId],
    });
    return (r.rows[0] as { status: OrderStatus } | undefined)?.status;
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

  /**
   * Outbox rows not yet done. `verify` marks orders placed before the database server's last start:
   * an asynchronously committed claim of theirs may have been lost in a server crash after the order
   * was sent, so they are looked up at the broker before any send (both times are the server's own).
   */
  async pendingOutbox(
    limit: number,
  ): Promise<{ orderId: string; jobId: string; status: OrderStatus; verify: boolean }[]> {
    return this.ds.query(
      `SELECT ob.order_id AS "orderId", ob.job_id AS "jobId", o.status AS status,
              (o.created_at < pg_postmaster_start_time()) AS verify
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
