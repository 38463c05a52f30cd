import { once } from 'node:events';
import WebSocket from 'ws';
import { EventBus } from '@/common/event-bus';
import type { FillView, OrderView } from '@/orders/order-view';
import { PortfolioService } from '@/portfolio/portfolio.service';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, type TestApp } from '../support/app';

/**
 * A split deployment in one test: process 1 runs only the `api` role, process 2 `worker,feed` with the
 * embedded simulator (process 1 reaches the same exchange through SIM_URL). Both share the database and
 * REDIS_PREFIX, as two pods of one deployment do. A trader's market order goes in through process 1's
 * HTTP API, is submitted and filled in process 2, and process 1 must show it: the FILLED update on its
 * WebSocket `orders` channel (once), the position on its `positions` channel (once), and the position
 * in its own in-memory portfolio (GET /portfolio/positions), which only the cross-process event bus
 * bridge feeds.
 */

const SBIN = 'NSE:SBIN-EQ';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await sleep(100);
  }
}

interface Frame {
  type?: string;
  channel?: string;
  event?: string;
  data?: Record<string, unknown>;
}

describe('split api / worker,feed processes share order, fill and position events (e2e)', () => {
  let worker: TestApp;
  let api: TestApp;
  let trader: string;
  let ws: WebSocket | undefined;
  const frames: Frame[] = [];
  /** What process 2 itself emitted (not what reached it from process 1). */
  const workerEmitted: { updates: OrderView[]; fills: FillView[] } = { updates: [], fills: [] };

  beforeAll(async () => {
    worker = await startTestApp({ APP_ROLES: 'worker,feed', MARKET_WATCHLIST: SBIN });
    const sim = worker.config.embeddedSimulator as unknown as SimulatorHandle;
    api = await startTestApp(
      { APP_ROLES: 'api', MARKET_WATCHLIST: SBIN, SIM_URL: sim.restUrl },
      { shareWith: worker },
    );
    trader = await api.userToken('splittrader', 'trader');
    const bus = worker.app.get(EventBus, { strict: false });
    bus.on('orders.updated', (o) => !bus.inRemoteDelivery && workerEmitted.updates.push(o));
    bus.on('orders.fill', (f) => !bus.inRemoteDelivery && workerEmitted.fills.push(f));
  }, 120_000);

  afterAll(async () => {
    if (ws && ws.readyState === WebSocket.OPEN) ws.terminate();
    await api?.close();
    await worker?.close();
  });

  it('fills an order placed through the api process and shows it there on the WebSocket and in positions', async () => {
    // The WebSocket client of process 1, on the private `orders` and `positions` channels.
    ws = new WebSocket(`${api.url.replace('http', 'ws')}/ws?token=${trader}`);
    ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString('utf8')) as Frame));
    await once(ws, 'open');
    ws.send(JSON.stringify({ action: 'subscribe', channel: 'orders', id: 1 }));
    ws.send(JSON.stringify({ action: 'subscribe', channel: 'positions', id: 2 }));
    const acks = await eventually(
      () => frames.filter((f) => f.type === 'ack'),
      (a) => a.length === 2,
      15_000,
    );
    expect(acks).toHaveLength(2);

    const ready = await eventually(
      async () => (await api.http().get('/api/v1/risk/status').set(bearer(trader))).body as { state: string },
      (s) => s.state === 'ACTIVE',
      20_000,
    );
    expect(ready.state).toBe('ACTIVE');
    const placed = await eventually(
      () =>
        api
          .http()
          .post('/api/v1/orders')
          .set(bearer(trader))
          .send({
            symbol: SBIN,
            side: 'BUY',
            quantity: 4,
            type: 'MARKET',
            product: 'INTRADAY',
            clientOrderId: `split-${Date.now()}`,
          }),
      (r) => r.status === 202 && r.body.status !== 'RISK_REJECTED',
      20_000,
    );
    expect(placed.status).toBe(202);
    const orderId = placed.body.id as string;

    // The FILLED update is made in process 2 and reaches process 1's socket.
    const isFilled = (f: Frame) =>
      f.channel === 'orders' &&
      f.event === 'orders.updated' &&
      f.data?.id === orderId &&
      f.data?.status === 'FILLED';
    const isPosition = (f: Frame) =>
      f.channel === 'positions' && f.event === 'portfolio.position' && f.data?.symbol === SBIN;
    await eventually(
      () => frames,
      (fs) => fs.some(isFilled) && fs.some(isPosition),
      30_000,
    );
    expect(frames.find(isFilled)?.data).toMatchObject({ id: orderId, status: 'FILLED', filledQuantity: 4 });
    expect(frames.find(isPosition)?.data).toMatchObject({ symbol: SBIN, quantity: 4 });

    // Process 1's own portfolio (in memory, not a journal read) has the position.
    const positions = await eventually(
      async () =>
        (await api.http().get('/api/v1/portfolio/positions').set(bearer(trader)).expect(200)).body as {
          symbol: string;
          quantity: number;
        }[],
      (p) => p.length > 0,
      10_000,
    );
    expect(positions).toEqual([expect.objectContaining({ symbol: SBIN, quantity: 4 })]);
    // Both processes applied that fill once.
    for (const t of [api, worker]) {
      const book = t.app.get(PortfolioService, { strict: false }).account;
      expect(book.positions().map((p) => [p.symbol, p.quantity])).toEqual([[SBIN, 4]]);
    }

    // Nothing arrives twice: every event process 2 emitted reaches the socket exactly once (the private
    // channel carries it from its origin; process 1 gets it over the bridge too but does not forward it).
    // Process 2 may itself emit the same FILLED state twice (the submitter re-emits the row after its
    // ACK lost the race against the fill), so count against its emits rather than expect one.
    await sleep(1500);
    const filledEmits = workerEmitted.updates.filter((o) => o.id === orderId && o.status === 'FILLED');
    expect(filledEmits.length).toBeGreaterThanOrEqual(1);
    expect(frames.filter(isFilled)).toHaveLength(filledEmits.length);
    const fillEmits = workerEmitted.fills.filter((f) => f.orderId === orderId);
    const fillFrames = frames.filter((f) => f.event === 'orders.fill' && f.data?.orderId === orderId);
    expect(fillEmits.length).toBeGreaterThanOrEqual(1);
    expect(fillFrames).toHaveLength(fillEmits.length);
    // Positions are derived from fills in each process; only process 2's reach the socket, one per fill.
    expect(frames.filter(isPosition)).toHaveLength(fillEmits.length);
  }, 120_000);
});
