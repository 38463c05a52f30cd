import { startTestApp, type TestApp } from '../support/app';
import { DataSource } from 'typeorm';
import { OrdersRuntime } from '../../src/orders/orders.runtime';
import { SYSTEM_USER_ID } from '../../src/orders/orders.ports';
import { api, bearer, eventually, sim, waitTradable } from './support/http-helpers';

const SBIN = 'NSE:SBIN-EQ';
const SBIN_TOKEN = '3045';

/**
 * The kill switch against the simulator, through the HTTP API: a halt with `flatten: true` squares off
 * the portfolio's real net position and cancels the resting orders; a new order is refused as soon as
 * the call returns, and every resting order's cancel was already sent by then.
 */
describe('kill switch halt with flatten (e2e, simulated)', () => {
  let t: TestApp;
  let trader: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLES: 'api,worker,feed', MARKET_WATCHLIST: SBIN });
    trader = await t.userToken('killtrader', 'trader');
    admin = (await t.login()).accessToken;
    await waitTradable(t, trader, SBIN);
  });
  afterAll(async () => t?.close());

  it('flattens the bought position, cancels every resting order and refuses the next order', async () => {
    const a = api(t, trader);
    const bought = await a
      .place({ symbol: SBIN, side: 'BUY', quantity: 7, type: 'MARKET', product: 'INTRADAY' })
      .expect(202);
    const filled = await eventually(
      () => a.order(bought.body.id),
      (o) => o.status === 'FILLED',
      10_000,
    );
    expect(filled).toMatchObject({ status: 'FILLED', filledQuantity: 7 });
    // The journal has the fills too (the simulator may fill in parts): the kill switch flattens the portfolio's positions.
    const journaled = await eventually(
      async () =>
        (
          (await t.http().get('/api/v1/portfolio/trades').set(bearer(trader))).body as {
            items: { quantity: number }[];
          }
        ).items.reduce((sum, x) => sum + x.quantity, 0),
      (n) => n === 7,
      5_000,
    );
    expect(journaled).toBe(7);

    // Resting buys 4% under the market (inside the risk price band, far from filling).
    const ltp = sim(t).market.ltp(SBIN_TOKEN)!;
    const restPrice = (Math.floor((ltp * 0.96) / 5) * 5) / 100;
    const resting: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await a
        .place({
          symbol: SBIN,
          side: 'BUY',
          quantity: 1,
          type: 'LIMIT',
          price: restPrice,
          product: 'INTRADAY',
        })
        .expect(202);
      resting.push(r.body.id as string);
    }
    for (const id of resting)
      expect(
        (
          await eventually(
            () => a.order(id),
            (o) => o.status === 'OPEN',
            10_000,
          )
        ).status,
      ).toBe('OPEN');

    const halt = await a.killSwitch({ action: 'halt', flatten: true, reason: 'e2e kill switch' }).expect(200);
    expect(halt.body).toMatchObject({ state: 'HALTED', cancelRequested: 3, flattenRequested: 1 });

    // Blocked the moment the call returns: the very next order is refused with the halt's reason.
    const refused = await a
      .place({ symbol: SBIN, side: 'BUY', quantity: 1, type: 'MARKET', product: 'INTRADAY' })
      .expect(202);
    expect(refused.body).toMatchObject({ status: 'RISK_REJECTED', reasonCode: 'TRADING_HALTED' });
    // Every resting order's cancel was sent before the call returned.
    for (const id of resting) {
      const o = await a.order(id);
      expect(['CANCEL_PENDING', 'CANCELLED']).toContain(o.status);
      expect(o.events!.map((e) => e.type)).toContain('CANCEL_SENT');
    }

    for (const id of resting)
      expect(
        (
          await eventually(
            () => a.order(id),
            (o) => o.status === 'CANCELLED',
            10_000,
          )
        ).status,
      ).toBe('CANCELLED');
    const flat = await eventually(
      () => a.positions(),
      (p) => p.every((x) => x.quantity === 0),
      10_000,
    );
    expect(flat.filter((p) => p.quantity !== 0)).toEqual([]);
    // The broker agrees: reconciliation compares the portfolio's positions with the simulator's and finds none off.
    await t.app.get(OrdersRuntime).reconcile('manual');
    const report = (await t.http().get('/api/v1/reconciliation/last').set(bearer(admin)).expect(200))
      .body as {
      ok: boolean;
      mismatches: unknown[];
    };
    expect(report).toMatchObject({ ok: true, mismatches: [] });
  });

  it('reports a position the portfolio holds and the broker does not (positions are compared)', async () => {
    await t.app.get(DataSource).query(
      `INSERT INTO portfolio_fills (order_id, cum_quantity, user_id, strategy_id, symbol, side, quantity, price_paise, charges_paise, realised_paise, product, at)
       VALUES ('phantom', 2, $1, NULL, $2, 'BUY', 2, 80000, 0, 0, 'INTRADAY', now())`,
      [SYSTEM_USER_ID, SBIN],
    );
    await t.app.get(OrdersRuntime).reconcile('manual');
    const report = (await t.http().get('/api/v1/reconciliation/last').set(bearer(admin)).expect(200))
      .body as {
      ok: boolean;
      mismatches: { kind: string; subject: string; local: number; broker: number }[];
    };
    expect(report.ok).toBe(false);
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'position', subject: `${SBIN}|INTRADAY`, local: 2, broker: 0 }),
    ]);
  });
});
