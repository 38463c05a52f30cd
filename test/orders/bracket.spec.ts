import type { DataSource } from 'typeorm';
import { ManualClock } from '@/common/clock';
import { BracketManager } from '@/orders/bracket-manager';
import { FakeBroker } from './support/fake-broker';
import { buildCore, openDatabase } from './support/harness';

const USER = '33333333-3333-4333-8333-333333333333';

describe('bracket orders and trailing stops (PostgreSQL, fake broker)', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ ds, drop } = await openDatabase()));
  afterAll(async () => {
    await ds.destroy();
    await drop();
  });

  async function filledEntry(
    stopLossPaise: number | undefined,
    opts: { trail?: number; broker?: FakeBroker } = {},
  ) {
    const broker = opts.broker ?? new FakeBroker();
    const clock = new ManualClock(Date.UTC(2026, 10, 27, 4, 0));
    const h = buildCore(ds, broker, { clock });
    const bracket = new BracketManager({
      ...h.core,
      instruments: { get: () => ({ tickSizePaise: 5 }) as never },
      clock,
      alerts: { raise: (a) => void h.alerts.push(a) },
      trailMinIntervalMs: 1_000,
    });
    const coid = `br-${Math.random().toString(36).slice(2)}`;
    const { order } = await h.core.placement.place(
      {
        clientOrderId: coid,
        symbol: 'NSE:SBIN-EQ',
        side: 'BUY',
        quantity: 10,
        type: 'LIMIT',
        pricePaise: 500_00,
        product: 'INTRADAY',
        validity: 'DAY',
        stopLossPaise,
        takeProfitPaise: 520_00,
        trailingStopPaise: opts.trail,
        userId: USER,
        createdAt: clock.now(),
      },
      { origin: 'API' },
    );
    await h.core.submitter.submit(order.id);
    const done = await h.core.applier.apply(broker.fill(order.ordertag, 10, 500_00), 'BROKER');
    await bracket.onOrder(done.order!);
    const children = await h.core.store.findByParent(order.id);
    return { ...h, broker, bracket, entry: done.order!, children, clock };
  }

  it('places a protective SL-M and a LIMIT target for the filled quantity once the entry fills', async () => {
    const { children, bracket, entry } = await filledEntry(490_00);
    expect(
      children.map((c) => [c.leg, c.type, c.side, c.quantity, c.triggerPricePaise ?? c.pricePaise]).sort(),
    ).toEqual([
      ['STOP', 'SL-M', 'SELL', 10, 490_00],
      ['TARGET', 'LIMIT', 'SELL', 10, 520_00],
    ]);
    await bracket.onOrder(entry);
    expect(
      await ds.query(`SELECT count(*)::int AS n FROM orders WHERE parent_order_id = $1`, [entry.id]),
    ).toEqual([{ n: 2 }]);
  });

  it('cancels the stop when the target fills (one-cancels-other)', async () => {
    const { children, core, broker, bracket } = await filledEntry(490_00);
    for (const c of children) await core.submitter.submit(c.id);
    const target = children.find((c) => c.leg === 'TARGET')!;
    const filled = await core.applier.apply(broker.fill(target.ordertag, 10, 520_00), 'BROKER');
    await bracket.onOrder(filled.order!);
    const stop = await core.store.findById(children.find((c) => c.leg === 'STOP')!.id);
    expect(stop!.status).toBe('CANCEL_PENDING');
    expect(broker.cancels).toEqual([stop!.brokerOrderId]);
  });

  it('exits at market and alerts when the protective stop cannot be placed', async () => {
    const { children, alerts } = await filledEntry(490_03); // off the 5-paise tick: the stop is refused
    const exit = children.find((c) => c.leg === 'EXIT');
    expect(children.find((c) => c.leg === 'STOP')?.status).toBe('RISK_REJECTED');
    expect(exit).toMatchObject({ type: 'MARKET', side: 'SELL', quantity: 10, status: 'QUEUED' });
    expect(alerts.map((a) => a.key)).toContain('orders.bracket');
  });

  it('trails the stop up with the price, tick-aligned and at most once per interval', async () => {
    const { children, core, bracket, clock } = await filledEntry(490_00, { trail: 10_00 });
    for (const c of children) await core.submitter.submit(c.id);
    const stopId = children.find((c) => c.leg === 'STOP')!.id;
    const live = async () => [(await core.store.findById(stopId))!];
    expect(await bracket.onPrice('NSE:SBIN-EQ', 505_02, await live())).toBe(1);
    expect((await core.store.findById(stopId))!.triggerPricePaise).toBe(495_00);
    expect(await bracket.onPrice('NSE:SBIN-EQ', 507_00, await live())).toBe(0);
    clock.advance(1_000);
    expect(await bracket.onPrice('NSE:SBIN-EQ', 503_00, await live())).toBe(1);
    expect((await core.store.findById(stopId))!.triggerPricePaise).toBe(497_00);
    clock.advance(1_000);
    expect(await bracket.onPrice('NSE:SBIN-EQ', 501_00, await live())).toBe(0);
  });
});
