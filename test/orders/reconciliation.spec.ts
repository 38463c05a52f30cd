import type { DataSource } from 'typeorm';
import { ManualClock } from '@/common/clock';
import type { OrderIntent } from '@/domain/execution';
import { ReconciliationGate } from '@/orders/reconciliation-gate';
import { Reconciler } from '@/orders/reconciler';
import { FakeBroker } from './support/fake-broker';
import { buildCore, openDatabase } from './support/harness';

const USER = '44444444-4444-4444-8444-444444444444';
const T0 = Date.UTC(2026, 10, 27, 4, 0);

describe('reconciliation and its trading gate (PostgreSQL, fake broker)', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ ds, drop } = await openDatabase()));
  afterAll(async () => {
    await ds.destroy();
    await drop();
  });

  function setup(broker = new FakeBroker()) {
    const gate = new ReconciliationGate(ds);
    const clock = new ManualClock(T0);
    const long = new Set<string>();
    const h = buildCore(ds, broker, {
      clock,
      entriesBlocked: () => gate.entriesBlocked(),
      allBlocked: () => gate.allBlocked(),
      isExit: (i) => i.side === 'SELL' && long.has(i.symbol),
    });
    const tradeBook = async () => [];
    const positions = async () => [];
    const reconciler = new Reconciler({
      ds,
      store: h.core.store,
      broker: { orderBook: () => broker.orderBook(), tradeBook, positions },
      applier: h.core.applier,
      resolver: h.core.resolver,
      clock,
    });
    return { ...h, broker, gate, reconciler, long, clock };
  }
  const intent = (coid: string, side: 'BUY' | 'SELL' = 'BUY'): OrderIntent => ({
    clientOrderId: coid,
    symbol: 'NSE:SBIN-EQ',
    side,
    quantity: 1,
    type: 'LIMIT',
    pricePaise: 500_00,
    product: 'INTRADAY',
    validity: 'DAY',
    userId: USER,
    createdAt: T0,
  });

  it('halts every order until the startup pass succeeds, then opens trading', async () => {
    const { core, gate, reconciler } = setup();
    await gate.markStartup();
    expect((await core.placement.place(intent('g-1'), { origin: 'API' })).order).toMatchObject({
      status: 'RISK_REJECTED',
      reasonCode: 'RECONCILIATION_MISMATCH',
    });
    expect((await core.placement.place(intent('g-2', 'SELL'), { origin: 'API' })).order.status).toBe(
      'RISK_REJECTED',
    );
    const report = await reconciler.run('startup');
    gate.observe(report);
    expect(report.ok).toBe(true);
    expect((await core.placement.place(intent('g-3'), { origin: 'API' })).order.status).toBe('QUEUED');
    await gate.refresh();
    expect(gate.allBlocked()).toBeNull();
  });

  it('adopts unknown broker orders, reports open orders the broker lost, and then allows exits only', async () => {
    const { core, broker, gate, reconciler, long } = setup();
    await gate.markStartup();
    gate.observe(await reconciler.run('startup'));
    const { order } = await core.placement.place(intent('m-1'), { origin: 'API' });
    await core.submitter.submit(order.id);
    broker.book.delete(order.ordertag); // the broker no longer knows this resting order
    await broker.placeOrder({
      tag: 'desk',
      instrument: { symbol: 'NSE:INFY-EQ', exchange: 'NSE', tradingSymbol: 'INFY-EQ', token: '1594' },
      side: 'BUY',
      quantity: 2,
      type: 'LIMIT',
      pricePaise: 1500_00,
      product: 'DELIVERY',
      validity: 'DAY',
    });
    const report = await reconciler.run('schedule');
    gate.observe(report);
    expect(report.ok).toBe(false);
    expect(report.adoptedExternal).toBe(1);
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'missing_at_broker', subject: order.id }),
    ]);
    expect(
      (await ds.query(`SELECT origin FROM orders WHERE ordertag LIKE 'X%'`)).map(
        (r: { origin: string }) => r.origin,
      ),
    ).toContain('EXTERNAL');
    expect((await core.placement.place(intent('m-2'), { origin: 'API' })).order).toMatchObject({
      status: 'RISK_REJECTED',
      reasonCode: 'RECONCILIATION_MISMATCH',
    });
    long.add('NSE:SBIN-EQ');
    expect((await core.placement.place(intent('m-3', 'SELL'), { origin: 'API' })).order.status).toBe(
      'QUEUED',
    );
    const persisted = await reconciler.lastPersisted();
    expect(persisted).toMatchObject({ ok: false, trigger: 'schedule' });
  });
});
