import { startTestApp, type TestApp } from '../support/app';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The whole path in one process: API -> risk -> queue -> Angel One adapter -> embedded simulator -> fill -> portfolio. */
describe('a market order placed over HTTP in simulated mode ends as a position (e2e)', () => {
  let t: TestApp;
  let trader: string;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLES: 'api,worker,feed', MARKET_WATCHLIST: 'NSE:SBIN-EQ' });
    trader = await t.userToken('simtrader', 'trader');
  });
  afterAll(async () => t?.close());

  it('fills a trader market buy against the simulator and shows the position and trade', async () => {
    const http = () => t.http();
    const ready = await eventually(
      async () => (await http().get('/api/v1/risk/status').set(bearer(trader))).body as { state: string },
      (s) => s.state === 'ACTIVE',
      15_000,
    );
    expect(ready.state).toBe('ACTIVE');
    const placed = await eventually(
      async () =>
        http()
          .post('/api/v1/orders')
          .set(bearer(trader))
          .send({
            symbol: 'NSE:SBIN-EQ',
            side: 'BUY',
            quantity: 3,
            type: 'MARKET',
            product: 'INTRADAY',
            clientOrderId: `sim-${Date.now()}`,
          }),
      (r) => r.status === 202 && r.body.status !== 'RISK_REJECTED',
      15_000,
    );
    expect(placed.status).toBe(202);
    expect(placed.body.status).not.toBe('RISK_REJECTED');
    const order = await eventually(
      async () =>
        (await http().get(`/api/v1/orders/${placed.body.id}`).set(bearer(trader))).body as {
          status: string;
          filledQuantity: number;
          averagePrice: string;
        },
      (o) => o.status === 'FILLED',
      15_000,
    );
    expect(order).toMatchObject({ status: 'FILLED', filledQuantity: 3 });
    expect(Number(order.averagePrice)).toBeGreaterThan(0);
    const positions = await eventually(
      async () =>
        (await http().get('/api/v1/portfolio/positions').set(bearer(trader)).expect(200)).body as {
          symbol: string;
          quantity: number;
          averagePrice: string;
        }[],
      (p) => p.length > 0,
      5000,
    );
    expect(positions).toEqual([expect.objectContaining({ symbol: 'NSE:SBIN-EQ', quantity: 3 })]);
    // The order shows its average rounded to the paisa; the position keeps four decimals.
    expect(Math.abs(Number(positions[0].averagePrice) - Number(order.averagePrice))).toBeLessThanOrEqual(
      0.005,
    );
    const trades = (await http().get('/api/v1/portfolio/trades').set(bearer(trader)).expect(200)).body;
    expect(trades.items).toEqual([
      expect.objectContaining({ orderId: placed.body.id, side: 'BUY', quantity: 3 }),
    ]);
  });
});
