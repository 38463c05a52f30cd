import { currentMonthlyExpiry } from '../../src/simulator/market/instruments';
import { formatSymbolDate } from '../../src/simulator/ist';
import { startTestApp, type TestApp } from '../support/app';
import { api, bearer, eventually, waitTradable, type OrderBody } from './support/http-helpers';

const SBIN = 'NSE:SBIN-EQ';
const SBIN_TOKEN = '3045';
const FUT = `NFO:BANKNIFTY${formatSymbolDate(currentMonthlyExpiry(Date.now()))}FUT`;
/** The placement limit (ORDER_RATE_LIMIT_PER_SEC) kept small, so anything held to it would show. */
const PLACEMENT_RATE = 2;

interface SimOrder {
  ordertag: string;
  status: string;
  quantity: number;
}
interface Sim {
  exchange: {
    allOrders(): SimOrder[];
    onOrderEvent(l: (e: { order: SimOrder }) => void): () => void;
  };
  market: { ltp(token: string): number | undefined };
}

/**
 * Cancels are risk-reducing and have their own limit (the broker's cancelOrder 20/s): a halt sends
 * every cancel without waiting on the placement limit, and cancelling an order sliced above the freeze
 * quantity cancels every slice. Whole app in simulated mode, the simulator over real sockets.
 */
describe('cancels: own rate limit, and whole sliced orders (e2e, simulated)', () => {
  let t: TestApp;
  let trader: string;
  const sim = () => t.config.embeddedSimulator as unknown as Sim;
  const simStatus = (tag: string) =>
    sim()
      .exchange.allOrders()
      .find((o) => o.ordertag === tag)?.status;

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLES: 'api,worker,feed',
      MARKET_WATCHLIST: [SBIN, FUT].join(','),
      ORDER_RATE_LIMIT_PER_SEC: String(PLACEMENT_RATE),
    });
    trader = await t.userToken('canceller', 'trader');
    const admin = (await t.login()).accessToken;
    // F&O notional is far above the default limits; the placement limiter (not the risk engine's
    // order-rate check) paces the orders this spec places back to back.
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
        maxOrdersPerSecond: 1000,
      })
      .expect(200);
    for (const s of [SBIN, FUT]) await waitTradable(t, trader, s);
  }, 120_000);
  afterAll(async () => t?.close());

  /** A BANKNIFTY future buy of 960 resting 2% under the market: sliced 900 + 60 (freeze 900). */
  async function placeSlicedResting(): Promise<OrderBody & { ordertag: string; slices: OrderBody[] }> {
    const a = api(t, trader);
    const ltp = (
      (await t.http().get(`/api/v1/market/quote?symbols=${FUT}`).set(bearer(trader))).body as {
        ltpPaise: number;
      }[]
    )[0].ltpPaise;
    const price = (Math.floor((ltp * 0.98) / 10) * 10) / 100;
    const placed = await a
      .place({ symbol: FUT, side: 'BUY', quantity: 960, type: 'LIMIT', price, product: 'CARRYFORWARD' })
      .expect(202);
    expect({ status: placed.body.status, reason: placed.body.reasonMessage }).toMatchObject({
      status: 'QUEUED',
    });
    expect(placed.body.routing).toMatchObject({ freezeQuantity: 900, slice: 1, of: 2 });
    const parent = await eventually(
      () => a.order(placed.body.id),
      (o) => (o.slices?.length === 2 && o.slices.every((s) => s.status === 'OPEN')) ?? false,
      30_000,
    );
    expect(parent.slices!.map((s) => [s.quantity, s.status])).toEqual([
      [900, 'OPEN'],
      [60, 'OPEN'],
    ]);
    return parent as OrderBody & { ordertag: string; slices: OrderBody[] };
  }

  const tags = (o: { slices: OrderBody[] }) =>
    o.slices.map((s) => (s as unknown as { ordertag: string }).ordertag);

  it('DELETE on a sliced parent cancels every slice at the simulator; modifying it is refused with the reason', async () => {
    const a = api(t, trader);
    const parent = await placeSlicedResting();

    const patch = await t
      .http()
      .patch(`/api/v1/orders/${parent.id}`)
      .set(bearer(trader))
      .send({ price: '1.00' })
      .expect(409);
    expect(patch.body).toMatchObject({
      code: 'ORDER_NOT_MODIFIABLE',
      details: { reason: 'SLICED', slices: parent.slices.map((s) => s.id) },
    });
    expect(patch.body.message).toContain('slices');

    const del = await t.http().delete(`/api/v1/orders/${parent.id}`).set(bearer(trader)).expect(200);
    // The answer is for the whole order: summed quantity, one status, every slice listed.
    expect(del.body).toMatchObject({ id: parent.id, quantity: 960, filledQuantity: 0 });
    expect(['CANCEL_PENDING', 'CANCELLED']).toContain(del.body.status);
    expect((del.body.slices as OrderBody[]).map((s) => s.id)).toEqual(parent.slices.map((s) => s.id));
    for (const s of del.body.slices as OrderBody[])
      expect(['CANCEL_PENDING', 'CANCELLED']).toContain(s.status);

    const done = await eventually(
      () => a.order(parent.id),
      (o) => o.slices!.every((s) => s.status === 'CANCELLED'),
      15_000,
    );
    expect(done.status).toBe('CANCELLED');
    expect(done.slices!.map((s) => s.status)).toEqual(['CANCELLED', 'CANCELLED']);
    for (const tag of tags(parent)) expect(simStatus(tag)).toBe('cancelled');
    // Nothing left to cancel: a second DELETE is a conflict, and nothing more is sent.
    await t.http().delete(`/api/v1/orders/${parent.id}`).set(bearer(trader)).expect(409);
  }, 90_000);

  it('cancel-all cancels every slice of a sliced order', async () => {
    const parent = await placeSlicedResting();
    const r = await t.http().post('/api/v1/orders/cancel-all').set(bearer(trader)).send({}).expect(200);
    expect(r.body.failed).toEqual([]);
    expect(r.body.cancelled + r.body.pending).toBe(2);
    const statuses = await eventually(
      async () => tags(parent).map(simStatus),
      (s) => s.every((x) => x === 'cancelled'),
      15_000,
    );
    expect(statuses).toEqual(['cancelled', 'cancelled']);
  }, 90_000);

  it('a halt sends every cancel (slices included) without waiting on the placement limit', async () => {
    const a = api(t, trader);
    const ltp = sim().market.ltp(SBIN_TOKEN)!;
    const restPrice = (Math.floor((ltp * 0.96) / 5) * 5) / 100;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
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
      expect({ status: r.body.status, reason: r.body.reasonMessage }).toMatchObject({ status: 'QUEUED' });
      ids.push(r.body.id as string);
    }
    const sliced = await placeSlicedResting();
    const resting: string[] = [];
    for (const id of ids) {
      const o = await eventually(
        () => a.order(id),
        (x) => x.status === 'OPEN',
        60_000,
      );
      expect(o.status).toBe('OPEN');
      resting.push((o as unknown as { ordertag: string }).ordertag);
    }
    resting.push(...tags(sliced));
    expect(resting).toHaveLength(14);

    const cancelledAt = new Map<string, number>();
    const off = sim().exchange.onOrderEvent((e) => {
      if (resting.includes(e.order.ordertag) && e.order.status === 'cancelled')
        cancelledAt.set(e.order.ordertag, Date.now());
    });
    try {
      const halt = await a.killSwitch({ action: 'halt', reason: 'e2e cancel priority' }).expect(200);
      expect(halt.body).toMatchObject({ state: 'HALTED', cancelRequested: 14 });
      await eventually(
        async () => cancelledAt.size,
        (n) => n === resting.length,
        20_000,
      );
    } finally {
      off();
    }
    // Every resting order, both slices included, was cancelled at the simulator.
    expect([...cancelledAt.keys()].sort()).toEqual([...resting].sort());
    for (const tag of resting) expect(simStatus(tag)).toBe('cancelled');
    // Held to the placement limit, no calendar second could have carried more than PLACEMENT_RATE of
    // them (fourteen would need seven seconds). They went on the cancel limit (20/s): fourteen fit one
    // broker window, so the busiest second carries far more than the placement limit would allow.
    const perSecond = new Map<number, number>();
    for (const at of cancelledAt.values()) {
      const s = Math.floor(at / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeGreaterThan(2 * PLACEMENT_RATE);
    // And none was refused by the simulator's own cancelOrder bucket (a refusal would leave it pending).
    for (const id of [...ids, sliced.id])
      expect(
        (
          await eventually(
            () => a.order(id),
            (o) => o.status === 'CANCELLED',
            15_000,
          )
        ).status,
      ).toBe('CANCELLED');
  }, 120_000);
});
