import { DataSource } from 'typeorm';
import { InstrumentCatalog } from '@/broker/instruments/instrument-catalog';
import { OrdersRuntime } from '@/orders/orders.runtime';
import { startTestApp, type TestApp } from '../support/app';
import { equity } from './support/instruments';

describe('orders API (HTTP, real app)', () => {
  let t: TestApp;
  let trader: string;
  let other: string;
  let viewer: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLES: 'api' });
    await t.app
      .get(InstrumentCatalog)
      .replace([equity('NSE:SBIN-EQ', '3045'), equity('NSE:INFY-EQ', '1594')]);
    // Trading opens only after a passed reconciliation; this API-only app has no worker to run one.
    await t.app
      .get(DataSource)
      .query(
        `INSERT INTO reconciliation_runs (trigger, started_at, ok, report) VALUES ('startup', now(), true, '{"mismatches": []}')`,
      );
    await t.app.get(OrdersRuntime).gate.refresh();

    trader = await t.userToken('otrader', 'trader');
    other = await t.userToken('otrader2', 'trader');
    viewer = await t.userToken('oviewer', 'viewer');
    admin = (await t.login()).accessToken;
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const body = {
    symbol: 'NSE:SBIN-EQ',
    side: 'BUY',
    quantity: 5,
    type: 'LIMIT',
    product: 'INTRADAY',
    price: '500.05',
    clientOrderId: 'api-1',
  };

  it('accepts an order with 202, and a repeat of its clientOrderId returns the same order', async () => {
    const a = await t.http().post('/api/v1/orders').set(auth(trader)).send(body);
    expect(a.status).toBe(202);
    expect(a.body).toMatchObject({
      clientOrderId: 'api-1',
      symbol: 'NSE:SBIN-EQ',
      price: '500.05',
      quantity: 5,
    });
    expect(['QUEUED', 'RISK_REJECTED']).toContain(a.body.status);
    const b = await t
      .http()
      .post('/api/v1/orders')
      .set(auth(trader))
      .send({ ...body, quantity: 50 });
    expect(b.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    expect(b.body.quantity).toBe(5);
  });

  it('refuses viewers (403) and malformed orders (400)', async () => {
    expect(
      (
        await t
          .http()
          .post('/api/v1/orders')
          .set(auth(viewer))
          .send({ ...body, clientOrderId: 'v-1' })
      ).status,
    ).toBe(403);
    const bad = await t
      .http()
      .post('/api/v1/orders')
      .set(auth(trader))
      .send({ ...body, price: '500.001', clientOrderId: 'bad-1' });
    expect(bad.status).toBe(400);
    expect(
      (
        await t
          .http()
          .post('/api/v1/orders')
          .set(auth(trader))
          .send({ ...body, symbol: 'NSE:NOPE-EQ', clientOrderId: 'bad-2' })
      ).status,
    ).toBe(400);
  });

  it('shows an order with its events to its owner and admins only', async () => {
    const placed = await t
      .http()
      .post('/api/v1/orders')
      .set(auth(trader))
      .send({ ...body, clientOrderId: 'own-1' });
    const id = placed.body.id as string;
    const mine = await t.http().get(`/api/v1/orders/${id}`).set(auth(trader));
    expect(mine.status).toBe(200);
    expect(mine.body.events.map((e: { toStatus: string }) => e.toStatus)[0]).toBe('NEW');
    expect((await t.http().get(`/api/v1/orders/${id}`).set(auth(other))).status).toBe(404);
    expect((await t.http().delete(`/api/v1/orders/${id}`).set(auth(other))).status).toBe(404);
    expect((await t.http().get(`/api/v1/orders/${id}`).set(auth(admin))).status).toBe(200);
    const list = await t.http().get('/api/v1/orders?symbol=NSE:SBIN-EQ&pageSize=10').set(auth(other));
    expect(list.body.total).toBe(0);
  });

  it('cancels a queued order at once over DELETE, then refuses a second cancel (409)', async () => {
    const me = await t.http().get('/api/v1/auth/me').set(auth(trader));
    // Without a market price the risk engine refuses every order here, so queue one past it.
    const { order } = await t.app.get(OrdersRuntime).core.placement.place(
      {
        clientOrderId: 'cx-1',
        symbol: 'NSE:SBIN-EQ',
        side: 'BUY',
        quantity: 5,
        type: 'LIMIT',
        product: 'INTRADAY',
        validity: 'DAY',
        pricePaise: 500_05,
        userId: me.body.id,
        createdAt: Date.now(),
      },
      { origin: 'API', riskChecked: true },
    );
    expect(order.status).toBe('QUEUED');
    const del = await t.http().delete(`/api/v1/orders/${order.id}`).set(auth(trader));
    expect(del.status).toBe(200);
    expect(del.body.status).toBe('CANCELLED');
    const list = await t.http().get('/api/v1/orders?status=CANCELLED').set(auth(trader));
    expect(list.body.items.map((o: { id: string }) => o.id)).toContain(order.id);
    expect((await t.http().delete(`/api/v1/orders/${order.id}`).set(auth(trader))).status).toBe(409);
  });

  it('records a risk refusal as the order in RISK_REJECTED with its reason code', async () => {
    const r = await t
      .http()
      .post('/api/v1/orders')
      .set(auth(trader))
      .send({ ...body, clientOrderId: 'risk-1' });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'RISK_REJECTED', reasonCode: expect.stringMatching(/^[A-Z_]+$/) });
  });

  it('serves the last reconciliation report', async () => {
    const r = await t.http().get('/api/v1/reconciliation/last').set(auth(viewer));
    expect(r.status).toBe(200);
  });
});
