import { currentMonthlyExpiry } from '../../src/simulator/market/instruments';
import { formatSymbolDate } from '../../src/simulator/ist';
import { startTestApp, type TestApp } from '../support/app';
import { api, bearer, eventually, waitTradable } from './support/http-helpers';

const ICICI = 'NSE:ICICIBANK-EQ';
const SBIN_NSE = 'NSE:SBIN-EQ';
const SBIN_BSE = 'BSE:SBIN';
const FUT = `NFO:BANKNIFTY${formatSymbolDate(currentMonthlyExpiry(Date.now()))}FUT`;

interface SimOrderView {
  ordertag: string;
  exchange: string;
  tradingsymbol: string;
  ordertype: string;
  pricePaise: number;
  quantity: number;
}
type Sim = {
  exchange: { allOrders(): SimOrderView[] };
  market: { setPrice(token: string, p: number): void; ltp(token: string): number | undefined };
};

/** Order routing through the HTTP API against the simulator: protection band, freeze slicing, NSE/BSE. */
describe('order routing (e2e, simulated)', () => {
  let t: TestApp;
  let trader: string;
  const sim = () => t.config.embeddedSimulator as unknown as Sim;
  const atSim = (ordertag: string) =>
    sim()
      .exchange.allOrders()
      .find((o) => o.ordertag === ordertag);
  const orderTag = async (id: string) =>
    ((await t.http().get(`/api/v1/orders/${id}`).set(bearer(trader))).body as { ordertag: string }).ordertag;

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLES: 'api,worker,feed',
      MARKET_WATCHLIST: [ICICI, SBIN_NSE, SBIN_BSE, FUT].join(','),
    });
    trader = await t.userToken('router', 'trader');
    const admin = (await t.login()).accessToken;
    // F&O notional is far above the default fat-finger and exposure limits.
    await t
      .http()
      .put('/api/v1/risk/limits')
      .set(bearer(admin))
      .send({
        maxPositionSize: 100_000_000,
        maxGrossExposure: 1_000_000_000,
        maxNetExposure: 1_000_000_000,
        maxOrderValue: 1_000_000_000,
        maxOrderQuantity: 100_000,
      })
      .expect(200);
    for (const s of [ICICI, SBIN_NSE, SBIN_BSE, FUT]) await waitTradable(t, trader, s);
  });
  afterAll(async () => t?.close());

  it('sends a MARKET order as a marketable LIMIT inside the protection band, recorded on the order', async () => {
    const a = api(t, trader);
    const placed = await a
      .place({ symbol: ICICI, side: 'BUY', quantity: 2, type: 'MARKET', product: 'INTRADAY' })
      .expect(202);
    const routing = placed.body.routing as {
      limitPricePaise: number;
      marketProtection: { ltpPaise: number; bandPercent: number };
    };
    expect(routing.marketProtection.bandPercent).toBe(3);
    const ltp = routing.marketProtection.ltpPaise;
    expect(routing.limitPricePaise).toBeGreaterThan(ltp);
    expect(routing.limitPricePaise).toBeLessThanOrEqual(Math.floor((ltp * 1.03) / 5) * 5);
    const filled = await eventually(
      () => a.order(placed.body.id),
      (o) => o.status === 'FILLED',
      10_000,
    );
    expect(filled.status).toBe('FILLED');
    expect(atSim(await orderTag(placed.body.id))).toMatchObject({
      ordertype: 'LIMIT',
      pricePaise: routing.limitPricePaise,
      quantity: 2,
    });
  });

  it('splits an NFO order above the freeze quantity into slices, and the parent answers for all of them', async () => {
    const a = api(t, trader);
    const ltp = (
      (await t.http().get(`/api/v1/market/quote?symbols=${FUT}`).set(bearer(trader))).body as {
        ltpPaise: number;
      }[]
    )[0].ltpPaise;
    const price = (Math.floor((ltp * 0.98) / 10) * 10) / 100; // rests 2% under the market
    const placed = await a
      .place({ symbol: FUT, side: 'BUY', quantity: 960, type: 'LIMIT', price, product: 'CARRYFORWARD' })
      .expect(202);
    expect(placed.body.routing).toMatchObject({ freezeQuantity: 900, slice: 1, of: 2 });
    const parent = await eventually(
      () => a.order(placed.body.id),
      (o) => o.slices?.every((s) => s.status === 'OPEN') ?? false,
      10_000,
    );
    expect(parent.slices!.map((s) => s.quantity)).toEqual([900, 60]);
    expect(parent).toMatchObject({ status: 'OPEN', quantity: 960, filledQuantity: 0 });
    const sent = sim()
      .exchange.allOrders()
      .filter((o) => o.tradingsymbol === FUT.slice(4))
      .map((o) => o.quantity)
      .sort((x, y) => y - x);
    expect(sent).toEqual([900, 60]);
    const one = parent.slices![1];
    expect(one.routing).toMatchObject({ slice: 2, of: 2, group: expect.any(String) });
  });

  it('routes a dual-listed stock to the exchange with the better price, and records the choice', async () => {
    const a = api(t, trader);
    const nse = sim().market.ltp('3045')!;
    sim().market.setPrice('500112', Math.round((nse * 0.99) / 5) * 5); // BSE 1% cheaper
    await eventually(
      async () =>
        (
          (await t.http().get(`/api/v1/market/depth?symbol=${SBIN_BSE}`).set(bearer(trader))).body as {
            asks: { pricePaise: number }[];
          }
        ).asks[0]?.pricePaise ?? Infinity,
      (ask) => ask < nse * 0.995,
      5_000,
    );
    const placed = await a
      .place({ symbol: SBIN_NSE, side: 'BUY', quantity: 1, type: 'MARKET', product: 'INTRADAY' })
      .expect(202);
    expect(placed.body).toMatchObject({
      symbol: SBIN_BSE,
      routing: {
        exchange: 'BSE',
        symbol: SBIN_BSE,
        requestedSymbol: SBIN_NSE,
        exchangeReason: expect.stringContaining('better ask'),
      },
    });
    const filled = await eventually(
      () => a.order(placed.body.id),
      (o) => o.status === 'FILLED',
      10_000,
    );
    expect(filled.status).toBe('FILLED');
    expect(atSim(await orderTag(placed.body.id))).toMatchObject({ exchange: 'BSE', tradingsymbol: 'SBIN' });
    const positions = await eventually(
      () => a.positions(),
      (p) => p.some((x) => x.symbol === SBIN_BSE),
      5_000,
    );
    expect(positions).toContainEqual(expect.objectContaining({ symbol: SBIN_BSE, quantity: 1 }));
  });
});
