import { randomUUID } from 'node:crypto';
import { EventBus } from '../../src/common/event-bus';
import type { Tick } from '../../src/domain/market';
import type { FillView } from '../../src/orders/order-view';
import { startTestApp, type TestApp } from '../support/app';
import { restartTestApp } from '../risk/restart-app';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const RUPEES = /^-?\d+\.\d{2}$/;
const TESTCO = 'NSE:TESTCO-EQ';
const INFY = 'NSE:TESTINF-EQ';

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('portfolio API (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let trader: string;
  let traderId: string;
  let viewer: string;
  const start = Date.now();
  const buyOrder = randomUUID();
  const sellOrder = randomUUID();

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.login()).accessToken;
    trader = await t.userToken('pat', 'trader');
    viewer = await t.userToken('val', 'viewer');
    traderId = (await t.http().get('/api/v1/auth/me').set(bearer(trader)).expect(200)).body.id;
  });
  afterAll(async () => t?.close());

  const get = (path: string, token = trader, query: Record<string, string | number> = {}) =>
    t.http().get(`/api/v1/portfolio/${path}`).query(query).set(bearer(token));
  const fill = (f: Partial<FillView>) =>
    t.app.get(EventBus).emit('orders.fill', {
      orderId: buyOrder,
      userId: traderId,
      symbol: TESTCO,
      side: 'BUY',
      quantity: 10,
      pricePaise: 500_00,
      cumQuantity: 10,
      strategyId: null,
      product: 'INTRADAY',
      at: start,
      ...f,
    });
  const tick = (symbol: string, ltpPaise: number) => {
    const at = Date.now();
    const [exchange] = symbol.split(':');
    t.app.get(EventBus).emit('market.tick', {
      symbol,
      token: '1',
      exchange: exchange as Tick['exchange'],
      mode: 'LTP',
      exchangeTime: at,
      receivedAt: at,
      ltpPaise,
    });
  };

  it('answers every route with its documented shape before any trade, and refuses the anonymous', async () => {
    expect((await get('positions').expect(200)).body).toEqual([]);
    expect((await get('positions/by-strategy').expect(200)).body).toEqual([]);
    expect(Array.isArray((await get('holdings').expect(200)).body)).toBe(true);
    const pnl = (await get('pnl').expect(200)).body;
    const zero = { realised: '0.00', unrealised: '0.00', charges: '0.00', net: '0.00' };
    expect(pnl).toEqual({ day: zero, total: zero, byStrategy: {} });
    expect((await get('trades').expect(200)).body).toEqual({ total: 0, page: 1, pageSize: 50, items: [] });
    expect((await get('equity').expect(200)).body).toEqual([]);
    const funds = (await get('funds', viewer).expect(200)).body as Record<string, unknown>;
    expect(funds.net).toMatch(RUPEES);
    expect(funds.availableCash).toMatch(RUPEES);
    await get('equity', trader, { from: 'yesterday' }).expect(400);
    await get('trades', trader, { pageSize: 501 }).expect(400);
    await t.http().get('/api/v1/portfolio/positions').expect(401);
  });

  it('builds positions, P&L net of charges and the trade journal from fills and ticks (hand-checked)', async () => {
    fill({});
    tick(TESTCO, 510_00);
    const first = await eventually(
      async () => (await get('positions').expect(200)).body as Record<string, unknown>[],
      (b) => b.length === 1 && b[0].lastPrice === '510.00',
    );
    // Buy 10 @ 500 on Rs 5,000 turnover: brokerage 12.50 + exchange 0.15 + IPFT 0.01 + SEBI 0.01 + stamp 0.15 + GST 2.28 = 15.10.
    expect(first[0]).toEqual({
      symbol: TESTCO,
      strategyId: null,
      quantity: 10,
      averagePrice: '500.0000',
      lastPrice: '510.00',
      realisedPnl: '0.00',
      unrealisedPnl: '100.00',
      charges: '15.10',
      buyQuantity: 10,
      sellQuantity: 0,
      buyValue: '5000.00',
      sellValue: '0.00',
    });

    fill({
      orderId: sellOrder,
      side: 'SELL',
      quantity: 4,
      pricePaise: 520_00,
      cumQuantity: 4,
      at: start + 1000,
    });
    // The same fill delivered twice (same order and cumulative quantity) counts once.
    fill({
      orderId: sellOrder,
      side: 'SELL',
      quantity: 4,
      pricePaise: 520_00,
      cumQuantity: 4,
      at: start + 1000,
    });
    fill({
      orderId: randomUUID(),
      symbol: INFY,
      quantity: 5,
      pricePaise: 200_00,
      cumQuantity: 5,
      strategyId: 'mom',
      at: start + 2000,
    });
    tick(TESTCO, 530_00);
    tick(INFY, 190_00);

    const trades = await eventually(
      async () =>
        (await get('trades').expect(200)).body as { total: number; items: Record<string, unknown>[] },
      (b) => b.total === 3,
    );
    expect(trades.total).toBe(3);
    // Sell 4 @ 520 on Rs 2,080: brokerage 5.20 + STT 0.52 + exchange 0.06 + GST 0.95 = 6.73; booked (520 - 500) x 4 = 80.
    expect(trades.items[1]).toMatchObject({
      orderId: sellOrder,
      userId: traderId,
      side: 'SELL',
      quantity: 4,
      price: '520.00',
      charges: '6.73',
      realisedPnl: '80.00',
      product: 'INTRADAY',
    });
    // Buy 5 @ 200 on Rs 1,000: brokerage 2.50 + exchange 0.03 + stamp 0.03 + GST 0.46 = 3.02.
    expect(trades.items[0]).toMatchObject({
      symbol: INFY,
      strategyId: 'mom',
      charges: '3.02',
      realisedPnl: '0.00',
    });
    expect(trades.items[2]).toMatchObject({ orderId: buyOrder, charges: '15.10' });

    const positions = (await get('positions').expect(200)).body as Record<string, unknown>[];
    expect(positions.find((p) => p.symbol === TESTCO)).toMatchObject({
      quantity: 6,
      averagePrice: '500.0000',
      lastPrice: '530.00',
      realisedPnl: '80.00',
      unrealisedPnl: '180.00',
      charges: '21.83',
      sellQuantity: 4,
      sellValue: '2080.00',
    });
    expect(positions.find((p) => p.symbol === INFY)).toMatchObject({
      quantity: 5,
      unrealisedPnl: '-50.00',
      charges: '3.02',
    });
    const mom = (await get('positions', trader, { strategy: 'mom' }).expect(200)).body as Record<
      string,
      unknown
    >[];
    expect(mom).toEqual([expect.objectContaining({ symbol: INFY, strategyId: 'mom', quantity: 5 })]);

    // Day: realised 80 + unrealised (180 - 50) - charges (15.10 + 6.73 + 3.02) = 185.15.
    const pnl = (await get('pnl').expect(200)).body;
    expect(pnl.day).toEqual({ realised: '80.00', unrealised: '130.00', charges: '24.85', net: '185.15' });
    expect(pnl.total).toEqual(pnl.day);
    expect(pnl.byStrategy).toEqual({ manual: '238.17', mom: '-53.02' });

    // The account book (what admins and the risk engine see) holds the same numbers.
    expect((await get('pnl', admin).expect(200)).body.day.net).toBe('185.15');
    const risk = (await t.http().get('/api/v1/risk/status').set(bearer(viewer)).expect(200)).body;
    expect(risk).toMatchObject({ dayPnlPaise: 185_15, openPositions: 2 });
    // A viewer has no fills of their own.
    expect((await get('positions', viewer).expect(200)).body).toEqual([]);
    expect((await get('trades', viewer).expect(200)).body.total).toBe(0);
    expect((await get('trades', admin, { symbol: TESTCO }).expect(200)).body.total).toBe(2);
  });

  it('rebuilds positions and realised P&L from the journal after an app restart', async () => {
    t = await restartTestApp(t);
    const positions = (await get('positions').expect(200)).body as Record<string, unknown>[];
    expect(positions.find((p) => p.symbol === TESTCO)).toMatchObject({
      quantity: 6,
      averagePrice: '500.0000',
      realisedPnl: '80.00',
      charges: '21.83',
    });
    tick(TESTCO, 530_00);
    tick(INFY, 190_00);
    expect((await get('pnl').expect(200)).body.day).toEqual({
      realised: '80.00',
      unrealised: '130.00',
      charges: '24.85',
      net: '185.15',
    });
  });
});
