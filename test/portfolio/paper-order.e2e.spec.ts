import { BrokerGateway } from '../../src/broker/broker-gateway';
import { PaperGateway } from '../../src/broker/paper/paper-gateway';
import { startSimulator, type SimulatorHandle } from '../../src/simulator';
import { startTestApp, type TestApp } from '../support/app';

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Paper mode end to end: market data from a SmartAPI endpoint (the simulator standing in for Angel One,
 * reached through the real adapter with ANGEL_* settings), orders filled locally by the paper gateway at
 * the ask from the depth; nothing is ever sent to the broker's order routes.
 */
describe('paper mode (e2e)', () => {
  let sim: SimulatorHandle;
  let t: TestApp;

  beforeAll(async () => {
    sim = await startSimulator({ tickIntervalMs: 100 });
    t = await startTestApp({
      TRADING_MODE: 'paper',
      APP_ROLES: 'api,worker,feed',
      MARKET_WATCHLIST: 'NSE:SBIN-EQ',
      ANGEL_API_KEY: sim.credentials.apiKey,
      ANGEL_CLIENT_CODE: sim.credentials.clientCode,
      ANGEL_PIN: sim.credentials.pin,
      ANGEL_TOTP_SECRET: sim.credentials.totpSecret,
      ANGEL_REST_URL: sim.restUrl,
      ANGEL_STREAM_URL: sim.streamUrl,
      ANGEL_ORDER_UPDATE_URL: sim.orderUpdateUrl,
      ANGEL_SCRIP_MASTER_URL: sim.scripMasterUrl,
      SIM_MARKET_HOURS: 'always',
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('binds the paper gateway, which fills a market buy locally at the ask and never calls the broker order routes', async () => {
    const gateway = t.app.get(BrokerGateway);
    expect(gateway).toBeInstanceOf(PaperGateway);
    // The risk engine keeps real NSE hours in paper mode, so this drives the bound gateway directly
    // (what the order worker calls) rather than POST /orders, which is refused MARKET_CLOSED at night.
    const updates: { status: string; filledQuantity: number }[] = [];
    gateway.onOrderUpdate((u) => updates.push(u as unknown as { status: string; filledQuantity: number }));
    const instrument = {
      symbol: 'NSE:SBIN-EQ',
      exchange: 'NSE' as const,
      tradingSymbol: 'SBIN-EQ',
      token: '3045',
    };
    const ack = await eventually(
      async () =>
        gateway
          .placeOrder({
            tag: `pp${Date.now() % 1e9}`,
            instrument,
            side: 'BUY',
            quantity: 2,
            type: 'MARKET',
            product: 'INTRADAY',
            validity: 'DAY',
          })
          .catch((e: Error) => e),
      (r) => !(r instanceof Error),
      30_000,
    );
    expect(ack).not.toBeInstanceOf(Error);
    const book = await eventually(
      async () => gateway.orderBook(),
      (b) => b.some((o) => o.status === 'COMPLETE'),
      30_000,
    );
    const filled = book.find((o) => o.status === 'COMPLETE')!;
    expect(filled.filledQuantity).toBe(2);

    expect(sim.orderTagLog).toHaveLength(0);
    const positions = await gateway.positions();
    expect(positions.find((p) => p.symbol === 'NSE:SBIN-EQ')?.netQuantity).toBe(2);
    await eventually(
      async () => updates.length,
      (n) => n > 0,
      10_000,
    );
    expect(JSON.stringify(updates)).toMatch(/COMPLETE|FILLED/);
  });
});
