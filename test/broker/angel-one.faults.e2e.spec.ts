import { silentLogger } from '@/broker/broker-logger';
import type { OrderUpdate, PlaceOrderRequest } from '@/broker/broker.types';
import { AngelOneGateway } from '@/broker/angel-one/angel-one.gateway';
import { MemorySessionStore } from '@/broker/angel-one/session/session-store';
import { startSimProcess, type SimProcess } from './fixtures/sim-process';

const SBIN = { symbol: 'NSE:SBIN-EQ', exchange: 'NSE' as const, tradingSymbol: 'SBIN-EQ', token: '3045' };
const order = (tag: string): PlaceOrderRequest => ({
  tag,
  instrument: SBIN,
  side: 'BUY',
  quantity: 1,
  type: 'MARKET',
  product: 'INTRADAY',
  validity: 'DAY',
});

describe('AngelOneGateway classifies injected faults (simulator over real sockets)', () => {
  let sim: SimProcess;
  let gw: AngelOneGateway;
  const updates: OrderUpdate[] = [];

  beforeAll(async () => {
    sim = await startSimProcess();
    gw = new AngelOneGateway({
      restUrl: sim.restUrl,
      streamUrl: sim.streamUrl,
      orderUpdateUrl: sim.orderUpdateUrl,
      scripMasterUrl: sim.scripMasterUrl,
      ...sim.credentials,
      publicIp: '203.0.113.7',
      store: new MemorySessionStore(),
      logger: () => silentLogger,
      requestTimeoutMs: 800,
    });
    gw.onOrderUpdate((u) => updates.push(u));
    await gw.connect();
  }, 60_000);

  afterAll(async () => {
    await gw?.disconnect();
    await sim?.close();
  });

  afterEach(() => sim.faults({ clear: true }));

  it('a placement whose answer never comes is ambiguous, sent once, and the order is found by its tag', async () => {
    await sim.faults({ faults: [{ route: 'placeOrder', kind: 'timeout', times: 1 }] });
    await expect(gw.placeOrder(order('amb-timeout'))).rejects.toMatchObject({
      kind: 'ambiguous',
      route: 'placeOrder',
    });
    const found = await gw.findOrderByTag('amb-timeout');
    expect(found).toMatchObject({ tag: 'amb-timeout', symbol: 'NSE:SBIN-EQ' });
    const all = (await gw.orderBook()).filter((o) => o.tag === 'amb-timeout');
    expect(all).toHaveLength(1);
  });

  it('a 5xx after the broker accepted the order is ambiguous, and the tag lookup resolves it', async () => {
    await sim.faults({ faults: [{ route: 'placeOrder', kind: 'error', afterAccept: true, times: 1 }] });
    await expect(gw.placeOrder(order('amb-5xx'))).rejects.toMatchObject({ kind: 'ambiguous' });
    await expect(gw.findOrderByTag('amb-5xx')).resolves.toMatchObject({ tag: 'amb-5xx' });
  });

  it('a 5xx before acceptance is also ambiguous to the client, and the tag lookup shows nothing was placed', async () => {
    await sim.faults({ faults: [{ route: 'placeOrder', kind: 'error', times: 1 }] });
    await expect(gw.placeOrder(order('amb-5xx-none'))).rejects.toMatchObject({ kind: 'ambiguous' });
    await expect(gw.findOrderByTag('amb-5xx-none')).resolves.toBeNull();
  });

  it("the broker's plain-text rate-limit answer to an order is ambiguous; to a read it is retried", async () => {
    await sim.faults({ faults: [{ route: 'placeOrder', kind: 'rateLimit', times: 1 }] });
    await expect(gw.placeOrder(order('amb-rl'))).rejects.toMatchObject({
      kind: 'ambiguous',
      code: 'RATE_LIMIT',
    });
    await sim.faults({ faults: [{ route: 'getPosition', kind: 'rateLimit', times: 1 }] });
    await expect(gw.positions()).resolves.toEqual(expect.any(Array));
  });

  it('an RMS rejection arrives after the acknowledgement as a REJECTED update with the reason', async () => {
    await sim.faults({
      faults: [{ route: 'placeOrder', kind: 'reject', reason: 'Insufficient Funds', times: 1 }],
    });
    const ack = await gw.placeOrder(order('rms-rej'));
    const start = Date.now();
    while (
      !updates.some((u) => u.order.brokerOrderId === ack.brokerOrderId && u.order.status === 'REJECTED')
    ) {
      if (Date.now() - start > 5000) throw new Error('no REJECTED update');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(
      updates.find((u) => u.order.brokerOrderId === ack.brokerOrderId && u.order.status === 'REJECTED')!.order
        .message,
    ).toMatch(/Insufficient Funds/);
  });
});
