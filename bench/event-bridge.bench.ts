/**
 * What the EventBus Redis bridge costs an all-roles process (the bridge is always on there, its own
 * echo ignored):
 *   market.tick  - emit with one handler: the bus before the bridge existed (copied here), the bus
 *                  without an outlet, and with the bridge attached (ticks are not bridged, so this is
 *                  the hot-path cost of the outlet check);
 *   orders.updated - emit of a real-sized OrderView with one handler, without and with the bridge on
 *                  the real Redis at REDIS_URL (encode + PUBLISH write, measured in the emitter), and
 *                  how long the echo takes to come back and be ignored.
 * Median of 7 runs each. Figures only; nothing is asserted on speed.
 */
import { randomBytes } from 'node:crypto';
import { EventBus, type PlatformEvents } from '@/common/event-bus';
import { EventBusBridge } from '@/common/event-bus-bridge';
import type { Tick } from '@/domain/market';
import type { OrderView } from '@/orders/order-view';
import { createRedis } from '@/redis/redis.module';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** The EventBus as it was before the bridge (emit = the dispatch loop). */
class LegacyBus {
  private readonly handlers = new Map<string, ((p: unknown) => void)[]>();
  on(event: string, h: (p: unknown) => void): void {
    const list = this.handlers.get(event) ?? [];
    list.push(h);
    this.handlers.set(event, list);
  }
  emit(event: string, payload: unknown): void {
    const list = this.handlers.get(event);
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i](payload);
      } catch {
        // logged in the real one
      }
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function nsPerCall(n: number, fn: (i: number) => void): number {
  const runs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    runs.push(Number(process.hrtime.bigint() - t0) / n);
  }
  return median(runs);
}

const ticks: Tick[] = Array.from({ length: 64 }, (_, i) => ({
  symbol: `NSE:S${i}-EQ`,
  token: String(1000 + i),
  exchange: 'NSE',
  mode: 'QUOTE',
  exchangeTime: 1_700_000_000_000 + i,
  receivedAt: 1_700_000_000_000 + i,
  ltpPaise: 81_250 + i,
}));

const order: OrderView = {
  id: '6f1c0f4e-3b8c-4b6e-9d43-5d1f6a0e1c2b',
  userId: '8c86030f-c603-4797-ada8-78628296773c',
  clientOrderId: 'bench-1795748631424',
  ordertag: '2611270000001',
  brokerOrderId: '260313000000123',
  symbol: 'NSE:SBIN-EQ',
  side: 'BUY',
  quantity: 4,
  type: 'MARKET',
  product: 'INTRADAY',
  validity: 'DAY',
  price: null,
  triggerPrice: null,
  stopLoss: null,
  takeProfit: null,
  trailingStop: null,
  filledQuantity: 4,
  averagePrice: '812.50',
  status: 'FILLED',
  reasonCode: null,
  reasonMessage: null,
  routing: null,
  strategyId: null,
  origin: 'API',
  parentOrderId: null,
  leg: null,
  createdAt: '2026-03-13T03:45:00.000Z',
  updatedAt: '2026-03-13T03:45:00.120Z',
  expiresAt: null,
};

async function main(): Promise<void> {
  let sink = 0;
  const TICKS = 2_000_000;

  const legacy = new LegacyBus();
  legacy.on('market.tick', (t) => (sink += (t as Tick).ltpPaise));
  const plain = new EventBus();
  plain.on('market.tick', (t) => (sink += t.ltpPaise));
  const bridged = new EventBus();
  bridged.on('market.tick', (t) => (sink += t.ltpPaise));
  bridged.on('orders.updated', (o) => (sink += o.quantity));

  const publisher = createRedis(REDIS_URL, { enableOfflineQueue: false });
  const subscriber = createRedis(REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: false });
  for (const c of [publisher, subscriber])
    c.on('error', (e: Error) =>
      console.error(`redis ${c === publisher ? 'publisher' : 'subscriber'} (${c.status}): ${e.message}`),
    );
  await new Promise<void>((r) => (publisher.status === 'ready' ? r() : publisher.once('ready', () => r())));
  const channel = `tb-bench-${randomBytes(4).toString('hex')}:bus:events`;
  const bridge = new EventBusBridge({ bus: bridged, publisher, subscriber, channel });
  await bridge.start();

  // The three variants take turns in every run, so a load spike on the machine hits them alike.
  const variants: [string, (i: number) => void][] = [
    ['before the bridge', (i) => legacy.emit('market.tick', ticks[i & 63])],
    ['no outlet', (i) => plain.emit('market.tick', ticks[i & 63])],
    ['bridge attached', (i) => bridged.emit('market.tick', ticks[i & 63])],
  ];
  const times = variants.map((): number[] => []);
  for (let r = 0; r < 10; r++) {
    variants.forEach(([, fn], v) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < TICKS; i++) fn(i);
      if (r >= 3) times[v].push(Number(process.hrtime.bigint() - t0) / TICKS);
    });
  }
  console.log(`market.tick emit, 1 handler (ns/emit, median of 7 interleaved runs x ${TICKS}, 3 warm-up):`);
  variants.forEach(([name], v) =>
    console.log(
      `  ${name.padEnd(20)}  ${median(times[v]).toFixed(1)}  (min ${Math.min(...times[v]).toFixed(1)})`,
    ),
  );

  const ORDERS = 5_000; // below the bridge's 10,000 unanswered publishes
  const local = new EventBus();
  local.on('orders.updated', (o) => (sink += o.quantity));
  const tLocal = nsPerCall(ORDERS, () => local.emit('orders.updated', order));
  // Each round: emit ORDERS events, then wait until Redis has answered every PUBLISH (own echoes ignored).
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ORDERS; i++) bridged.emit('orders.updated', order);
    rounds.push(Number(process.hrtime.bigint() - t0) / ORDERS);
    await publisher.ping();
  }
  const echoes = await new Promise<number>((resolve) => {
    const t0 = process.hrtime.bigint();
    const key = 'orders.updated' as keyof PlatformEvents;
    subscriber.once('message', () => resolve(Number(process.hrtime.bigint() - t0) / 1000));
    bridged.emit(key, order);
  });
  console.log(`orders.updated emit of a ${JSON.stringify(order).length}-byte OrderView, 1 handler:`);
  console.log(`  local only            ${(tLocal / 1000).toFixed(2)} us/emit`);
  console.log(`  bridged (real Redis)  ${(median(rounds) / 1000).toFixed(2)} us/emit in the emitter`);
  console.log(`  own echo back         ${echoes.toFixed(0)} us after emit (ignored by origin id)`);
  console.log(`  bridge stats          ${JSON.stringify(bridge.stats)}`);
  if (sink === 42) console.log('');

  await bridge.stop();
  publisher.disconnect();
  subscriber.disconnect();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
