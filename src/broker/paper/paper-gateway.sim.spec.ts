import { AngelOneGateway } from '@/broker/angel-one/angel-one.gateway';
import { MemorySessionStore } from '@/broker/angel-one/session/session-store';
import { silentLogger } from '@/broker/broker-logger';
import type { OrderUpdate } from '@/broker/broker.types';
import type { Tick } from '@/domain/market';
import { startSimulator, type SimulatorHandle } from '@/simulator';
import { PaperGateway } from './paper-gateway';

const SBIN = { symbol: 'NSE:SBIN-EQ', exchange: 'NSE' as const, tradingSymbol: 'SBIN-EQ', token: '3045' };
const CREDS = {
  clientCode: 'PAPER01',
  pin: '4321',
  totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  apiKey: 'paper-key',
};

async function waitFor<T>(what: string, fn: () => T | undefined | null | false, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The paper gateway over the real Angel One adapter, fed by the simulator's SmartStream over real sockets. */
describe('PaperGateway over AngelOneGateway and the simulator', () => {
  let sim: SimulatorHandle;
  let angel: AngelOneGateway;
  let paper: PaperGateway;
  const ticks: Tick[] = [];
  const updates: OrderUpdate[] = [];

  beforeAll(async () => {
    sim = await startSimulator({
      host: '127.0.0.1',
      port: 0,
      tickIntervalMs: 50,
      marketHours: 'always',
      ...CREDS,
    });
    angel = new AngelOneGateway({
      restUrl: sim.restUrl,
      streamUrl: sim.streamUrl,
      orderUpdateUrl: sim.orderUpdateUrl,
      scripMasterUrl: sim.scripMasterUrl,
      ...CREDS,
      publicIp: '127.0.0.1',
      store: new MemorySessionStore(),
      logger: () => silentLogger,
      orderUpdates: false,
    });
    paper = new PaperGateway({ inner: angel, capitalPaise: 10_00_000_00 });
    paper.onTick((t) => ticks.push(t));
    paper.onOrderUpdate((u) => updates.push(u));
    await paper.connect();
  }, 30_000);

  afterAll(async () => {
    await paper?.disconnect({ logout: true });
    await sim?.close();
  });

  it('fills a market buy at the streamed asks (not the LTP) without sending anything to the broker', async () => {
    paper.subscribeTicks([{ instrument: SBIN, mode: 'LTP' }]);
    await waitFor('an LTP tick', () => ticks.length > 0);
    const ack = await paper.placeOrder({
      tag: 'paper-sim-1',
      instrument: SBIN,
      side: 'BUY',
      quantity: 2,
      type: 'MARKET',
      product: 'INTRADAY',
      validity: 'DAY',
    });
    const done = await waitFor('the paper fill', () =>
      updates.find((u) => u.order.brokerOrderId === ack.brokerOrderId && u.order.status === 'COMPLETE'),
    );
    // The tick the fill was taken from: the last SNAP tick with asks before the completion.
    const snaps = ticks.filter((t) => t.mode === 'SNAP' && t.asks?.length);
    expect(snaps.length).toBeGreaterThan(0);
    const asks = new Set(snaps.flatMap((t) => t.asks!.map((l) => l.pricePaise)));
    const [trade] = await paper.tradeBook();
    expect(asks.has(trade.pricePaise)).toBe(true);
    expect(done.order).toMatchObject({ filledQuantity: 2, tag: 'paper-sim-1' });
    expect((await paper.positions())[0]).toMatchObject({ symbol: SBIN.symbol, netQuantity: 2 });
    // Nothing reached the simulator's order routes.
    expect(sim.orderTagLog).toEqual([]);
    // After the order, the caller's lighter subscription is restored.
    await waitFor('LTP mode again', () => ticks.at(-1)?.mode === 'LTP');
  });
});
