import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import { EventBus } from '../../src/common/event-bus';
import type { FillView } from '../../src/orders/order-view';
import { PortfolioService } from '../../src/portfolio/portfolio.service';
import { startTestApp, type TestApp } from '../support/app';

const SYMBOL = 'NSE:ROLEMET-EQ';

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function metric(name: string): Promise<number> {
  const m = await register.getSingleMetric(name)!.get();
  return m.values.reduce((a, v) => a + v.value, 0);
}

/**
 * In a split deployment every process keeps the books (fills reach all of them over the event bridge),
 * so only the worker role may export the account's P&L: otherwise the dashboards' sum() across
 * processes shows a multiple of it. That the worker role does export them when an order trades is
 * test/monitoring/exported-metrics.e2e.spec.ts.
 */
describe('portfolio metrics are exported by the worker role only (e2e)', () => {
  const fill = (userId: string): FillView => ({
    orderId: randomUUID(),
    userId,
    symbol: SYMBOL,
    side: 'SELL',
    quantity: 10,
    pricePaise: 500_00,
    cumQuantity: 10,
    strategyId: null,
    product: 'INTRADAY',
    at: Date.now(),
  });

  let apiOnly: TestApp;
  beforeAll(async () => {
    apiOnly = await startTestApp({ APP_ROLES: 'api' });
  });
  afterAll(async () => apiOnly?.close());

  async function applyFillOn(t: TestApp) {
    const portfolio = t.app.get(PortfolioService);
    const userId = randomUUID();
    const fillsBefore = await metric('trading_bot_portfolio_fills_total');
    const openBefore = await metric('trading_bot_open_positions');
    const netBefore = await metric('trading_bot_net_exposure_paise');
    t.app.get(EventBus).emit('orders.fill', fill(userId));
    await until('the fill is in the books', () => portfolio.book(userId).quantity(SYMBOL) === -10);
    return {
      fills: (await metric('trading_bot_portfolio_fills_total')) - fillsBefore,
      openChanged: (await metric('trading_bot_open_positions')) !== openBefore,
      netChanged: (await metric('trading_bot_net_exposure_paise')) !== netBefore,
    };
  }

  it('an api-only process applies the fill to its books but exports nothing for it', async () => {
    expect(await applyFillOn(apiOnly)).toEqual({ fills: 0, openChanged: false, netChanged: false });
  });
});
