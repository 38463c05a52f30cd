import { silentLogger } from '@/broker/broker-logger';
import type { OrderUpdate } from '@/broker/broker.types';
import { AngelOneGateway } from '@/broker/angel-one/angel-one.gateway';
import { MemorySessionStore } from '@/broker/angel-one/session/session-store';
import type { Tick } from '@/domain/market';
import { startSimProcess, type SimProcess } from './fixtures/sim-process';

const SBIN = { symbol: 'NSE:SBIN-EQ', exchange: 'NSE' as const, tradingSymbol: 'SBIN-EQ', token: '3045' };

function waitFor<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const v = fn();
      if (v) {
        clearInterval(poll);
        resolve(v);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 20);
  });
}

describe('AngelOneGateway against the simulator over real sockets', () => {
  let sim: SimProcess;
  let gw: AngelOneGateway;
  const ticks: Tick[] = [];
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
      stream: { reconnectBaseMs: 100, reconnectMaxMs: 1000, pingIntervalMs: 1000 },
    });
    gw.onTick((t) => ticks.push(t));
    gw.onOrderUpdate((u) => updates.push(u));
    await gw.connect();
  }, 60_000);

  afterAll(async () => {
    await gw?.disconnect({ logout: true });
    await sim?.close();
  });

  it('logs in with TOTP and reads profile and funds', async () => {
    expect(gw.sessionStatus().state).toBe('CONNECTED');
    await expect(gw.profile()).resolves.toMatchObject({ clientCode: sim.credentials.clientCode });
    const funds = await gw.funds();
    expect(Number.isInteger(funds.availableCashPaise)).toBe(true);
    expect(funds.availableCashPaise).toBeGreaterThan(0);
  });

  it('reads a quote and the instrument master', async () => {
    const [q] = await gw.quotes([SBIN], 'FULL');
    expect(q).toMatchObject({ symbol: 'NSE:SBIN-EQ', token: '3045' });
    expect(Number.isInteger(q.ltpPaise) && q.ltpPaise > 0).toBe(true);
    const master = await gw.instrumentMaster();
    expect(master.find((i) => i.symbol === 'NSE:SBIN-EQ')).toMatchObject({ token: '3045', lotSize: 1 });
  });

  it('reads historical candles in paise, chunked by the per-interval day cap', async () => {
    const to = Date.now();
    const candles = await gw.historicalCandles({
      instrument: SBIN,
      interval: '1d',
      from: to - 10 * 86_400_000,
      to,
    });
    expect(candles.length).toBeGreaterThan(0);
    const c = candles[candles.length - 1];
    expect(c).toMatchObject({ symbol: 'NSE:SBIN-EQ', interval: '1d', closed: true });
    expect(Number.isInteger(c.openPaise) && c.highPaise >= c.lowPaise).toBe(true);
    expect(candles.every((x, i) => i === 0 || x.start > candles[i - 1].start)).toBe(true);
  });

  it('streams SnapQuote ticks with depth grouped into bids and asks', async () => {
    gw.subscribeTicks([{ instrument: SBIN, mode: 'SNAP' }]);
    const t = await waitFor('a SNAP tick', () =>
      ticks.find((x) => x.symbol === 'NSE:SBIN-EQ' && x.mode === 'SNAP'),
    );
    expect(t.ltpPaise).toBeGreaterThan(0);
    expect(t.bids!.length).toBeGreaterThan(0);
    expect(t.asks!.length).toBeGreaterThan(0);
    expect(t.bids![0].pricePaise).toBeLessThanOrEqual(t.asks![0].pricePaise);
    expect(gw.lastExchangeTime(SBIN)).toBeGreaterThan(0);
  });

  it('places a market order and sees it complete on the order-update stream and in the books', async () => {
    await waitFor('order-update socket', () => gw.orderUpdates.isConnected);
    const ack = await gw.placeOrder({
      tag: 'e2e-mkt-1',
      instrument: SBIN,
      side: 'BUY',
      quantity: 1,
      type: 'MARKET',
      product: 'INTRADAY',
      validity: 'DAY',
    });
    expect(ack.brokerOrderId).toMatch(/^\d+$/);
    const done = await waitFor('a COMPLETE update', () =>
      updates.find((u) => u.order.brokerOrderId === ack.brokerOrderId && u.order.status === 'COMPLETE'),
    );
    expect(done.source).toBe('stream');
    expect(done.order).toMatchObject({ tag: 'e2e-mkt-1', filledQuantity: 1, symbol: 'NSE:SBIN-EQ' });
    await expect(gw.findOrderByTag('e2e-mkt-1')).resolves.toMatchObject({
      brokerOrderId: ack.brokerOrderId,
      status: 'COMPLETE',
    });
    const trades = await gw.tradeBook();
    expect(trades.some((t) => t.brokerOrderId === ack.brokerOrderId && t.quantity === 1)).toBe(true);
  });

  it('places a resting limit order and cancels it', async () => {
    const [q] = await gw.quotes([SBIN], 'LTP');
    const far = Math.round((q.ltpPaise * 0.95) / 5) * 5;
    const ack = await gw.placeOrder({
      tag: 'e2e-lmt-1',
      instrument: SBIN,
      side: 'BUY',
      quantity: 1,
      type: 'LIMIT',
      product: 'INTRADAY',
      validity: 'DAY',
      pricePaise: far,
    });
    await waitFor('an OPEN update', () =>
      updates.find((u) => u.order.brokerOrderId === ack.brokerOrderId && u.order.status === 'OPEN'),
    );
    await gw.cancelOrder(ack.brokerOrderId);
    await waitFor('a CANCELLED update', () =>
      updates.find((u) => u.order.brokerOrderId === ack.brokerOrderId && u.order.status === 'CANCELLED'),
    );
  });

  it('refuses an ordertag of 20 characters or more before sending', async () => {
    await expect(
      gw.placeOrder({
        tag: 'x'.repeat(20),
        instrument: SBIN,
        side: 'BUY',
        quantity: 1,
        type: 'MARKET',
        product: 'INTRADAY',
        validity: 'DAY',
      }),
    ).rejects.toMatchObject({ kind: 'rejected', code: 'AB4008' });
  });

  it('reconnects and resubscribes both streams within 5 s after the simulator drops every socket', async () => {
    const before = gw.stream.reconnects;
    await sim.faults({ dropSockets: true });
    const droppedAt = Date.now();
    await waitFor('a reconnect', () => gw.stream.reconnects > before, 5000);
    const n = ticks.length;
    await waitFor(
      'ticks after the reconnect',
      () => ticks.length > n && ticks[ticks.length - 1].receivedAt > droppedAt,
      5000,
    );
    expect(Date.now() - droppedAt).toBeLessThan(5000);
    await waitFor('order-update socket back', () => gw.orderUpdates.isConnected, 5000);
  });
});
