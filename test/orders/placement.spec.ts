import type { DataSource } from 'typeorm';
import { ManualClock } from '@/common/clock';
import { FakeBroker } from './support/fake-broker';
import { buildCore, openDatabase } from './support/harness';
import { intent, T0, USER } from './support/intents';

const OTHER = '22222222-2222-4222-8222-222222222222';

describe('order placement (PostgreSQL, fake broker)', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ ds, drop } = await openDatabase()));
  afterAll(async () => {
    await ds.destroy();
    await drop();
  });

  beforeEach(async () => {
    // Each case starts with no live order, so sweeps and relays see only its own.
    await ds.query(
      `UPDATE orders SET status = 'CANCELLED' WHERE status NOT IN ('FILLED','CANCELLED','REJECTED','EXPIRED','RISK_REJECTED')`,
    );
    await ds.query(`UPDATE order_outbox SET done_at = now() WHERE done_at IS NULL`);
  });

  function setup(over: Parameters<typeof buildCore>[2] = {}) {
    const broker = new FakeBroker();
    const clock = new ManualClock(T0);
    return { broker, ...buildCore(ds, broker, { clock, ...over }), clock };
  }

  it('returns the existing order for a known clientOrderId, even under concurrent duplicates', async () => {
    const { core } = setup();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        core.placement.place(intent({ clientOrderId: 'dup-1' }), { origin: 'API' }),
      ),
    );
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const again = await core.placement.place(intent({ clientOrderId: 'dup-1', quantity: 99 }), {
      origin: 'API',
    });
    expect(again).toMatchObject({ created: false, order: { quantity: 10, status: 'QUEUED' } });
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM orders WHERE client_order_id = 'dup-1'`);
    expect(n).toBe(1);
    const other = await core.placement.place(intent({ clientOrderId: 'dup-1', userId: OTHER }), {
      origin: 'API',
    });
    expect(other.order.id).not.toBe(results[0].order.id);
  });

  it('writes the order and its outbox row together and enqueues job order:<user>:<clientOrderId>', async () => {
    const { core, queue } = setup();
    const r = await core.placement.place(intent({ clientOrderId: 'ob-1' }), {
      origin: 'API',
      strategyVersion: 'v7',
    });
    expect(r.order.ordertag.length).toBeLessThanOrEqual(20);
    expect(r.order.ordertag.endsWith('v7')).toBe(true);
    expect(queue.jobs.get(`order:${USER}:ob-1`)).toEqual({ orderId: r.order.id });
    const [row] = await ds.query(`SELECT job_id, done_at FROM order_outbox WHERE order_id = $1`, [
      r.order.id,
    ]);
    expect(row).toEqual({ job_id: `order:${USER}:ob-1`, done_at: null });
  });

  it('sends once however many times the job runs, concurrently or again later', async () => {
    const { core, broker } = setup();
    const r = await core.placement.place(intent({ clientOrderId: 'once-1' }), { origin: 'API' });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => core.submitter.submit(r.order.id)));
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'skipped')).toHaveLength(5);
    expect(await core.submitter.submit(r.order.id)).toBe('skipped');
    expect(broker.tagLog.map((t) => t.tag)).toEqual([r.order.ordertag]);
    const o = await core.store.findById(r.order.id);
    expect(o).toMatchObject({ status: 'OPEN', brokerOrderId: expect.any(String) });
    const [{ done }] = await ds.query(
      `SELECT done_at IS NOT NULL AS done FROM order_outbox WHERE order_id = $1`,
      [r.order.id],
    );
    expect(done).toBe(true);
  });

  it.each(['timeout-after-accept', '5xx-after-accept'] as const)(
    'settles a %s from the order book without a second send',
    async (fault) => {
      const { core, broker, halts } = setup();
      broker.faults.push(fault);
      const r = await core.placement.place(intent({ clientOrderId: `amb-${fault}` }), { origin: 'API' });
      expect(await core.submitter.submit(r.order.id)).toBe('unknown');
      expect((await core.store.findById(r.order.id))?.status).toMatch(/UNKNOWN|OPEN/);
      await core.resolver.sweep();
      const o = await core.store.findById(r.order.id);
      expect(o).toMatchObject({
        status: 'OPEN',
        brokerOrderId: broker.book.get(r.order.ordertag)!.brokerOrderId,
      });
      expect(broker.tagLog).toHaveLength(1);
      expect(halts).toEqual([]);
    },
  );

  it('settles a rate-limit or 5xx answer that placed nothing as NOT_AT_BROKER only after the resolve window', async () => {
    const { core, broker, clock, alerts } = setup();
    broker.faults.push('rate-limit');
    const r = await core.placement.place(intent({ clientOrderId: 'rl-1' }), { origin: 'API' });
    expect(await core.submitter.submit(r.order.id)).toBe('unknown');
    expect(await core.resolver.sweep()).toMatchObject({ pending: 1 });
    expect((await core.store.findById(r.order.id))?.status).toBe('UNKNOWN');
    clock.advance(30_001);
    expect(await core.resolver.sweep()).toMatchObject({ 'not-at-broker': 1 });
    expect(await core.store.findById(r.order.id)).toMatchObject({
      status: 'REJECTED',
      reasonCode: 'NOT_AT_BROKER',
    });
    expect(broker.tagLog).toHaveLength(1);
    expect(alerts.map((a) => a.key)).toContain('orders.unknown');
  });

  it('halts trading and alerts once when an unknown order cannot be looked up within the window', async () => {
    const { core, broker, clock, halts, alerts } = setup();
    broker.faults.push('5xx-before-accept');
    broker.lookupFails = true;
    const r = await core.placement.place(intent({ clientOrderId: 'halt-1' }), { origin: 'API' });
    await core.submitter.submit(r.order.id);
    await core.resolver.sweep();
    expect(halts).toEqual([]);
    clock.advance(31_000);
    await core.resolver.sweep();
    await core.resolver.sweep();
    expect(halts).toHaveLength(1);
    expect(alerts.filter((a) => a.severity === 'critical')).toHaveLength(1);
    expect((await core.store.findById(r.order.id))?.status).toBe('UNKNOWN');
    broker.lookupFails = false;
    clock.advance(1);
    await core.resolver.sweep();
    expect((await core.store.findById(r.order.id))?.status).toBe('REJECTED');
  });

  it('marks a definite broker rejection REJECTED with its reason', async () => {
    const { core, broker } = setup();
    broker.faults.push('reject');
    const r = await core.placement.place(intent({ clientOrderId: 'rej-1' }), { origin: 'API' });
    expect(await core.submitter.submit(r.order.id)).toBe('rejected');
    expect(await core.store.findById(r.order.id)).toMatchObject({
      status: 'REJECTED',
      reasonCode: 'BROKER_REJECTED',
    });
  });

  it('expires an intent that reaches the worker after its time-to-live and never sends it', async () => {
    const { core, broker, clock } = setup();
    const r = await core.placement.place(intent({ clientOrderId: 'ttl-1', ttlMs: 5_000 }), { origin: 'API' });
    clock.advance(5_000);
    expect(await core.submitter.submit(r.order.id)).toBe('expired');
    expect((await core.store.findById(r.order.id))?.status).toBe('EXPIRED');
    expect(broker.tagLog).toHaveLength(0);
  });

  it('keeps the order durably when Redis is down and the relay enqueues it afterwards', async () => {
    const { core, queue } = setup();
    queue.down = true;
    const r = await core.placement.place(intent({ clientOrderId: 'redis-1' }), { origin: 'API' });
    expect(r.order.status).toBe('QUEUED');
    expect(queue.jobs.size).toBe(0);
    expect(await core.relay.runOnce()).toMatchObject({ failed: 1 });
    queue.down = false;
    expect(await core.relay.runOnce()).toMatchObject({ enqueued: 1 });
    expect(queue.jobs.has(`order:${USER}:redis-1`)).toBe(true);
  });

  it('refuses with 503 and writes nothing when the database is unreachable', async () => {
    const broker = new FakeBroker();
    const broken = {
      query: () => Promise.reject(new Error('connect ECONNREFUSED')),
      getRepository: () => ({ findOne: () => Promise.reject(new Error('connect ECONNREFUSED')) }),
    };
    const { core } = buildCore(broken as never, broker);
    await expect(
      core.placement.place(intent({ clientOrderId: 'pg-1' }), { origin: 'API' }),
    ).rejects.toMatchObject({ httpStatus: 503, code: 'ORDERS_UNAVAILABLE' });
    expect(broker.tagLog).toHaveLength(0);
  });

  it('records a refusal as RISK_REJECTED with its reason code and never queues it', async () => {
    const { core, queue } = setup({
      risk: {
        check: () => ({ accepted: false, reason: 'MAX_POSITION_SIZE', message: 'too big' }),
        state: () => 'ACTIVE',
        halt: () => undefined,
      },
    });
    const r = await core.placement.place(intent({ clientOrderId: 'risk-1' }), { origin: 'API' });
    expect(r.order).toMatchObject({ status: 'RISK_REJECTED', reasonCode: 'MAX_POSITION_SIZE' });
    const lot = await core.placement.place(
      intent({ clientOrderId: 'lot-1', symbol: 'NFO:NIFTY26DECFUT', quantity: 10 }),
      { origin: 'API' },
    );
    expect(lot.order).toMatchObject({ status: 'RISK_REJECTED', reasonCode: 'LOT_SIZE' });
    expect(queue.jobs.size).toBe(0);
  });

  it('cancels a queued order locally so the worker never sends it', async () => {
    const { core, broker } = setup();
    const r = await core.placement.place(intent({ clientOrderId: 'cq-1' }), { origin: 'API' });
    const o = (await core.store.findById(r.order.id))!;
    expect((await core.actions.cancel(o, 'API', 'user')).status).toBe('CANCELLED');
    expect(await core.submitter.submit(r.order.id)).toBe('skipped');
    expect(broker.tagLog).toHaveLength(0);
  });

  it('applies broker updates in any order and repetition, recording each fill once', async () => {
    const { core, broker } = setup();
    const r = await core.placement.place(intent({ clientOrderId: 'upd-1' }), { origin: 'API' });
    await core.submitter.submit(r.order.id);
    const tag = r.order.ordertag;
    const u1 = broker.fill(tag, 4, 500_00);
    const u2 = broker.fill(tag, 10, 501_00);
    for (const u of [u2, u1, u2, u1, u1]) await core.applier.apply(u, 'BROKER');
    const o = await core.store.findById(r.order.id);
    expect(o).toMatchObject({ status: 'FILLED', filledQuantity: 10, avgPricePaise: 501_00 });
    const trades = await ds.query(
      `SELECT quantity, cum_quantity AS cum, price_paise AS price FROM trades WHERE order_id = $1 ORDER BY cum_quantity`,
      [r.order.id],
    );
    expect(trades).toEqual([{ quantity: 10, cum: 10, price: '50100' }]);
    const events = await core.store.events(r.order.id);
    expect(events.map((e) => e.toStatus)).toEqual(['NEW', 'QUEUED', 'SUBMITTING', 'OPEN', 'FILLED']);
  });

  it('adopts a broker order it never placed as EXTERNAL', async () => {
    const { core, broker } = setup();
    await broker.placeOrder({
      tag: 'manual',
      instrument: { symbol: 'NSE:SBIN-EQ', exchange: 'NSE', tradingSymbol: 'SBIN-EQ', token: '3045' },
      side: 'SELL',
      quantity: 3,
      type: 'MARKET',
      product: 'DELIVERY',
      validity: 'DAY',
    });
    const res = await core.applier.apply(broker.book.get('manual')!, 'RECONCILIATION', {
      adoptUnknown: true,
    });
    expect(res.outcome).toBe('adopted');
    expect(res.order).toMatchObject({ origin: 'EXTERNAL', status: 'OPEN', quantity: 3 });
  });
});
