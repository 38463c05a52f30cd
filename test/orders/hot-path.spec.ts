import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ManualClock } from '@/common/clock';
import { FakeBroker } from './support/fake-broker';
import { buildCore, openDatabase } from './support/harness';
import { intent, queuedRow, T0, USER } from './support/intents';

/**
 * The placement hot path: the queue hand-off overlaps the order's durable insert, the worker's claim
 * waits for that insert to commit (the order's advisory lock), and jobs re-enqueued by the outbox relay
 * for orders older than the database server's last start look the tag up at the broker before sending.
 */

describe('placement hot path (PostgreSQL, fake broker)', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ ds, drop } = await openDatabase()));
  afterAll(async () => {
    await ds.destroy();
    await drop();
  });

  function setup() {
    const broker = new FakeBroker();
    const clock = new ManualClock(T0);
    const h = buildCore(ds, broker, { clock });
    return { broker, ...h };
  }

  it('a job that reaches the worker before its order commits waits for the commit and sends once', async () => {
    const { core, broker } = setup();
    const base = queuedRow({ clientOrderId: 'race-1', ordertag: 'RACE0000001' });
    // Hold a row lock the insert must wait for (its ordertag's unique index): the insert stays
    // uncommitted while the "job" runs the claim, which must block rather than find nothing.
    const blocker = ds.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query(
      `INSERT INTO orders (user_id, client_order_id, ordertag, symbol, side, type, product, validity, quantity, status, origin)
       VALUES ($1, 'race-blocker', 'RACE0000001', 'NSE:SBIN-EQ', 'BUY', 'LIMIT', 'INTRADAY', 'DAY', 1, 'QUEUED', 'API')`,
      [USER],
    );
    let submitted: Promise<string> | undefined;
    const inserting = core.store.insert(
      base,
      [{ source: 'API', type: 'CREATE', toStatus: 'QUEUED' }],
      'job-race-1',
      async (id) => {
        submitted = core.submitter.submit(id);
      },
    );
    // The claim reaches the database and waits on the order's advisory lock, held by the insert.
    let waiting = 0;
    for (let i = 0; i < 100 && waiting === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      [{ waiting }] = await ds.query(
        `SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
      );
    }
    expect(waiting).toBe(1);
    expect(broker.tagLog).toHaveLength(0);
    // Release the insert by rolling the blocker back: the insert commits, the claim goes through.
    await blocker.rollbackTransaction();
    await blocker.release();
    const { order, created } = await inserting;
    expect(created).toBe(true);
    expect(await submitted).toBe('sent');
    expect(broker.tagLog.map((t) => t.tag)).toEqual(['RACE0000001']);
    expect(await core.store.findById(order.id)).toMatchObject({ status: 'OPEN' });
    const events = (await core.store.events(order.id)).map((e) => e.type);
    expect(events).toEqual(['CREATE', 'CLAIM', 'ACK']);
  });

  it('a job that reaches the database even before the insert (no lock held yet) still claims once it commits', async () => {
    const { core, broker } = setup();
    const id = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    const submitted = core.submitter.submit(id);
    await new Promise((r) => setTimeout(r, 30)); // the claim found nothing and is polling
    const { created } = await core.store.insert(
      queuedRow({ id, clientOrderId: 'late-insert', ordertag: 'LATE0000001' }),
      [{ source: 'API', type: 'CREATE', toStatus: 'QUEUED' }],
      'job-late-1',
    );
    expect(created).toBe(true);
    expect(await submitted).toBe('sent');
    expect(broker.tagLog.map((t) => t.tag)).toEqual(['LATE0000001']);
  });

  it('order ids are time-ordered (v7), and two made in the same millisecond never share the claim lock', async () => {
    const { core, broker } = setup();
    const r = await core.placement.place(intent({ clientOrderId: 'v7-1' }), { origin: 'API' });
    expect(r.order.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    // v7 ids of one millisecond share their first 64 bits (time and a counter); the lock key must not.
    const a = uuidv7();
    const b = `${a.slice(0, 24)}${a.slice(24) === 'a1b2c3d4e5f6' ? 'f6e5d4c3b2a1' : 'a1b2c3d4e5f6'}`;
    const [{ ka, kb }] = await ds.query(`SELECT orders_lock_key($1) AS ka, orders_lock_key($2) AS kb`, [
      a,
      b,
    ]);
    expect(ka).not.toBe(kb);
    // A's insert still in flight (its lock held) does not hold up B's claim.
    const holder = ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT pg_advisory_xact_lock(orders_lock_key($1))`, [a]);
    try {
      await core.store.insert(
        queuedRow({ id: b, clientOrderId: 'v7-b', ordertag: 'V7B00000001' }),
        [{ source: 'API', type: 'CREATE', toStatus: 'QUEUED' }],
        'job-v7-b',
      );
      const outcome = await Promise.race([
        core.submitter.submit(b),
        new Promise((res) => setTimeout(() => res('blocked'), 3_000)),
      ]);
      expect(outcome).toBe('sent');
      expect(broker.tagLog.map((t) => t.tag)).toEqual(['V7B00000001']);
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('a job for an order whose insert rolled back sends nothing', async () => {
    const { core, broker } = setup();
    const id = '0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';
    expect(await core.submitter.submit(id)).toBe('skipped');
    expect(broker.tagLog).toHaveLength(0);
  });

  it('placement answers after the durable write with the job handed off, and the job carries the order id', async () => {
    const { core, queue, broker } = setup();
    const r = await core.placement.place(intent({ clientOrderId: 'hp-1' }), { origin: 'API' });
    expect(r.order.status).toBe('QUEUED');
    expect(queue.jobs.get(`order:${USER}:hp-1`)).toEqual({ orderId: r.order.id });
    const [row] = await ds.query(`SELECT status FROM orders WHERE id = $1`, [r.order.id]);
    expect(row.status).toBe('QUEUED');
    expect(await core.submitter.submit(r.order.id)).toBe('sent');
    expect(broker.tagLog.map((t) => t.tag)).toEqual([r.order.ordertag]);
  });

  it('the relay marks orders placed before the database server started for a broker lookup before sending', async () => {
    const { core, queue } = setup();
    const old = await core.placement.place(intent({ clientOrderId: 'v-old' }), { origin: 'API' });
    const fresh = await core.placement.place(intent({ clientOrderId: 'v-new' }), { origin: 'API' });
    await ds.query(
      `UPDATE orders SET created_at = pg_postmaster_start_time() - interval '1 minute' WHERE id = $1`,
      [old.order.id],
    );
    queue.jobs.clear(); // Redis lost its jobs
    await core.relay.runOnce();
    expect(queue.jobs.get(`order:${USER}:v-old`)).toEqual({ orderId: old.order.id, verify: true });
    expect(queue.jobs.get(`order:${USER}:v-new`)).toEqual({ orderId: fresh.order.id });
  });

  it('a verify job whose tag is already at the broker records it and does not send again', async () => {
    const { core, broker } = setup();
    const r = await core.placement.place(intent({ clientOrderId: 'v-sent' }), { origin: 'API' });
    // The order reached the broker, then the database forgot the claim (a server crash before the
    // asynchronous commit reached disk): the order is QUEUED again locally.
    expect(await core.submitter.submit(r.order.id)).toBe('sent');
    await ds.query(`UPDATE orders SET status = 'QUEUED', broker_order_id = NULL WHERE id = $1`, [r.order.id]);
    expect(await core.submitter.submit(r.order.id, { verify: true })).toBe('found');
    expect(broker.tagLog.map((t) => t.tag)).toEqual([r.order.ordertag]);
    const o = await core.store.findById(r.order.id);
    expect(o).toMatchObject({ status: 'OPEN', brokerOrderId: expect.any(String) });
  });

  it('a verify job whose tag is not at the broker is sent; one whose lookup fails becomes UNKNOWN', async () => {
    const { core, broker } = setup();
    const a = await core.placement.place(intent({ clientOrderId: 'v-absent' }), { origin: 'API' });
    expect(await core.submitter.submit(a.order.id, { verify: true })).toBe('sent');
    expect(broker.tagLog.map((t) => t.tag)).toEqual([a.order.ordertag]);

    const b = await core.placement.place(intent({ clientOrderId: 'v-down' }), { origin: 'API' });
    broker.findOrderByTag = async () => {
      throw new Error('getOrderBook: connection refused');
    };
    expect(await core.submitter.submit(b.order.id, { verify: true })).toBe('unknown');
    expect(broker.tagLog.map((t) => t.tag)).toEqual([a.order.ordertag]);
    expect(await core.store.findById(b.order.id)).toMatchObject({
      status: 'UNKNOWN',
      reasonCode: 'AMBIGUOUS_SUBMIT',
    });
  });
});
