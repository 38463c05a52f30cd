import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createRedis } from '@/redis/redis.module';
import type { FillView, OrderView } from '@/orders/order-view';
import type { Tick } from '@/domain/market';
import type { PositionEvent } from '@/portfolio/portfolio.service';
import { ThrowawayRedis } from '../../test/support/throwaway-redis';
import { EventBus } from './event-bus';
import { BRIDGED_EVENTS, EventBusBridge, decodeEnvelope, encodeEnvelope } from './event-bus-bridge';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const order = (id: string, status = 'OPEN'): OrderView =>
  ({ id, userId: 'u1', symbol: 'NSE:SBIN-EQ', status, filledQuantity: 0 }) as unknown as OrderView;
const fill = (orderId: string, cumQuantity: number): FillView => ({
  orderId,
  userId: 'u1',
  symbol: 'NSE:SBIN-EQ',
  side: 'BUY',
  quantity: 1,
  pricePaise: 81_250,
  cumQuantity,
  strategyId: null,
  product: 'INTRADAY',
  at: 1_700_000_000_000,
});

interface Node {
  bus: EventBus;
  bridge: EventBusBridge;
  conns: Redis[];
}

async function node(url: string, channel: string): Promise<Node> {
  const bus = new EventBus();
  const publisher = createRedis(url, { enableOfflineQueue: false });
  const subscriber = createRedis(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
  for (const c of [publisher, subscriber]) c.on('error', () => undefined);
  await until('publisher ready', () => publisher.status === 'ready');
  const bridge = new EventBusBridge({ bus, publisher, subscriber, channel });
  await bridge.start();
  return { bus, bridge, conns: [publisher, subscriber] };
}

async function close(n: Node | undefined): Promise<void> {
  if (!n) return;
  await n.bridge.stop();
  n.conns.forEach((c) => c.disconnect());
}

/** Records every payload a bus delivers for `event`. */
function record<K extends 'orders.updated' | 'orders.fill' | 'market.tick' | 'portfolio.position'>(
  bus: EventBus,
  event: K,
): unknown[] {
  const seen: unknown[] = [];
  bus.on(event, (p) => seen.push(p));
  return seen;
}

describe('EventBusBridge on real Redis', () => {
  const channel = `tb-test-bridge-${randomBytes(4).toString('hex')}:bus:events`;
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    a = await node(REDIS_URL, channel);
    b = await node(REDIS_URL, channel);
  });
  afterAll(async () => {
    await close(a);
    await close(b);
  });

  it('delivers an event emitted in A to B once and to A once (synchronously, its echo ignored)', async () => {
    const inA = record(a.bus, 'orders.updated');
    const inB = record(b.bus, 'orders.updated');
    const markerInA = record(a.bus, 'orders.fill');

    a.bus.emit('orders.updated', order('o-1'));
    expect(inA).toHaveLength(1); // local delivery is synchronous, as without the bridge
    await until('B receives', () => inB.length === 1);
    expect(inB[0]).toEqual(order('o-1'));
    // A marker from B: Redis delivers a channel's messages in order, so once A has B's marker it has
    // also seen (and ignored) its own echo of o-1.
    b.bus.emit('orders.fill', fill('marker-1', 1));
    await until('A receives the marker', () => markerInA.length === 1);
    expect(inA).toHaveLength(1);
    expect(inB).toHaveLength(1);
    expect(a.bridge.stats).toMatchObject({ dropped: 0, malformed: 0 });
  });

  it('keeps events off the list local: ticks and derived portfolio events do not cross', async () => {
    expect(BRIDGED_EVENTS).not.toContain('market.tick');
    expect(BRIDGED_EVENTS).not.toContain('market.candle');
    expect(BRIDGED_EVENTS).not.toContain('portfolio.position');
    const ticksInB = record(b.bus, 'market.tick');
    const positionsInB = record(b.bus, 'portfolio.position');
    const markerInB = record(b.bus, 'orders.fill');
    const published = a.bridge.stats.published;
    a.bus.emit('market.tick', { symbol: 'NSE:SBIN-EQ', ltpPaise: 81_250 } as Tick);
    a.bus.emit('portfolio.position', { symbol: 'NSE:SBIN-EQ', userId: 'u1' } as PositionEvent);
    expect(a.bridge.stats.published).toBe(published);
    a.bus.emit('orders.fill', fill('marker-2', 1));
    await until('B receives the marker', () => markerInB.length === 1);
    expect(ticksInB).toHaveLength(0);
    expect(positionsInB).toHaveLength(0);
  });

  it('does not publish what a handler emits while handling a remote event', async () => {
    // B's portfolio-like handler derives an event from A's fill, as every process does for itself.
    let remoteSeen: boolean | undefined;
    const off = b.bus.on('orders.fill', (f) => {
      if (f.orderId !== 'derive-1') return;
      remoteSeen = b.bus.inRemoteDelivery;
      b.bus.emit('orders.updated', order('derived-from-remote'));
    });
    const inA = record(a.bus, 'orders.updated');
    const markerInA = record(a.bus, 'orders.fill');
    a.bus.emit('orders.fill', fill('derive-1', 1));
    await until('B derives', () => remoteSeen !== undefined);
    expect(remoteSeen).toBe(true);
    expect(b.bus.inRemoteDelivery).toBe(false);
    b.bus.emit('orders.fill', fill('marker-3', 1));
    await until('A receives the marker', () => markerInA.some((f) => (f as FillView).orderId === 'marker-3'));
    expect(inA.map((o) => (o as OrderView).id)).not.toContain('derived-from-remote');
    off();
  });

  it('keeps Dates and bigints through JSON', async () => {
    const inB = record(b.bus, 'orders.fill');
    const when = new Date('2026-03-13T03:45:00.123Z');
    const payload = { ...fill('dated-1', 2), placedAt: when, nested: [{ at: when, big: 2n ** 70n }] };
    a.bus.emit('orders.fill', payload);
    await until('B receives', () => inB.length === 1);
    const got = inB[0] as typeof payload;
    expect(got.placedAt).toBeInstanceOf(Date);
    expect(got.placedAt.getTime()).toBe(when.getTime());
    expect(got.nested[0].at).toBeInstanceOf(Date);
    expect(got.nested[0].big).toBe(2n ** 70n);
    expect(got).toEqual(payload);
    // The real payloads are plain JSON and come back equal.
    const view = order('plain');
    expect(decodeEnvelope(encodeEnvelope({ o: 'x', e: 'orders.updated', p: view })).p).toEqual(view);
  });
});

describe('EventBusBridge while Redis is down', () => {
  let redis: ThrowawayRedis;
  let a: Node | undefined;
  let b: Node | undefined;

  beforeAll(async () => {
    redis = await ThrowawayRedis.create();
  });
  afterAll(async () => {
    await close(a);
    await close(b);
    await redis.stop();
  });

  it('never throws into or blocks the emitter, and is back (re-subscribed) after Redis returns', async () => {
    const channel = 'tb-test-bridge-down:bus:events';
    a = await node(redis.url, channel);
    b = await node(redis.url, channel);
    const inA = record(a.bus, 'orders.updated');
    const inB = record(b.bus, 'orders.updated');
    a.bus.emit('orders.updated', order('before'));
    await until('B receives before the outage', () => inB.length === 1);

    await redis.stop();
    await until('publisher sees the outage', () => a!.conns[0].status !== 'ready');
    for (let i = 0; i < 1000; i++) a.bus.emit('orders.updated', order(`during-${i}`));
    // Local delivery went on, nothing was queued for later: the events were dropped for the others.
    expect(inA).toHaveLength(1001);
    expect(a.bridge.stats.dropped).toBeGreaterThanOrEqual(1000);

    await redis.start();
    // ioredis re-subscribes both subscribers by itself after reconnecting.
    const probe = new Redis(redis.url);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const counts = (await probe.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(counts[1]) === 2) break;
      if (Date.now() > deadline) throw new Error(`subscribers after restart: ${counts[1]}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    probe.disconnect();
    await until('publisher ready again', () => a!.conns[0].status === 'ready', 30_000);
    a.bus.emit('orders.updated', order('after'));
    await until(
      'B receives after the outage',
      () => inB.some((o) => (o as OrderView).id === 'after'),
      30_000,
    );
    // What was emitted during the outage was dropped for the others, not queued and sent late.
    expect(inB.map((o) => (o as OrderView).id)).toEqual(['before', 'after']);
  }, 90_000);
});

describe('EventBusBridge after its subscriber was cut off', () => {
  let redis: ThrowawayRedis;
  let a: Node | undefined;
  let b: Node | undefined;

  beforeAll(async () => {
    redis = await ThrowawayRedis.create();
  });
  afterAll(async () => {
    await close(a);
    await close(b);
    await redis.stop();
  });

  it("emits the local-only 'bus.resynced' once after a reconnect, never on the first connect", async () => {
    expect(BRIDGED_EVENTS).not.toContain('bus.resynced');
    const channel = 'tb-test-bridge-resync:bus:events';
    // Both buses listen from before their bridges start: the first subscribe must not count.
    const busA = new EventBus();
    const busB = new EventBus();
    const resyncedA: { at: number; downMs: number }[] = [];
    const resyncedB: unknown[] = [];
    busA.on('bus.resynced', (e) => resyncedA.push(e));
    busB.on('bus.resynced', (e) => resyncedB.push(e));
    const make = async (bus: EventBus): Promise<Node> => {
      const publisher = createRedis(redis.url, { enableOfflineQueue: false });
      const subscriber = createRedis(redis.url, { maxRetriesPerRequest: null, enableReadyCheck: false });
      for (const c of [publisher, subscriber]) c.on('error', () => undefined);
      await until('publisher ready', () => publisher.status === 'ready');
      // Even a list naming it cannot make it cross processes.
      const bridge = new EventBusBridge({
        bus,
        publisher,
        subscriber,
        channel,
        events: [...BRIDGED_EVENTS, 'bus.resynced'],
      });
      await bridge.start();
      return { bus, bridge, conns: [publisher, subscriber] };
    };
    a = await make(busA);
    b = await make(busB);
    const inB = record(b.bus, 'orders.updated');
    a.bus.emit('orders.updated', order('first'));
    await until('B receives before the outage', () => inB.length === 1);
    expect(resyncedA).toHaveLength(0);
    expect(resyncedB).toHaveLength(0);

    await redis.stop();
    await until('A subscriber sees the outage', () => a!.conns[1].status !== 'ready');
    await new Promise((r) => setTimeout(r, 200));
    expect(resyncedA).toHaveLength(0);
    await redis.start();
    await until('A resynced', () => resyncedA.length > 0, 30_000);
    await until('B resynced', () => resyncedB.length > 0, 30_000);
    expect(resyncedA[0].downMs).toBeGreaterThan(0);
    expect(a.bridge.isSubscribed).toBe(true);

    // By the time it fired the channel was live again: an event published now arrives.
    await until('A publisher ready', () => a!.conns[0].status === 'ready', 30_000);
    a.bus.emit('orders.updated', order('after'));
    await until(
      'B receives after the resync',
      () => inB.some((o) => (o as OrderView).id === 'after'),
      30_000,
    );
    // Once each, and each bus only its own (A's resync did not travel to B, nor B's to A).
    const markerInA = record(a.bus, 'orders.fill');
    b.bus.emit('orders.fill', fill('resync-marker', 1));
    await until('A receives the marker', () => markerInA.length === 1, 30_000);
    expect(resyncedA).toHaveLength(1);
    expect(resyncedB).toHaveLength(1);
    expect(a.bridge.stats.published).toBeGreaterThan(0);
  }, 90_000);
});

describe('EventBusBridge started while Redis is down', () => {
  let redis: ThrowawayRedis;
  let a: Node | undefined;

  beforeAll(async () => {
    redis = await ThrowawayRedis.create();
  });
  afterAll(async () => {
    await close(a);
    await redis.stop();
  });

  it("emits 'bus.resynced' once its first subscribe succeeds after the outage", async () => {
    const channel = 'tb-test-bridge-late:bus:events';
    await redis.stop();
    const bus = new EventBus();
    const resynced: { at: number; downMs: number }[] = [];
    bus.on('bus.resynced', (e) => resynced.push(e));
    const publisher = createRedis(redis.url, { enableOfflineQueue: false });
    const subscriber = createRedis(redis.url, { maxRetriesPerRequest: null, enableReadyCheck: false });
    for (const c of [publisher, subscriber]) c.on('error', () => undefined);
    const bridge = new EventBusBridge({ bus, publisher, subscriber, channel });
    a = { bus, bridge, conns: [publisher, subscriber] };
    const started = bridge.start();
    await new Promise((r) => setTimeout(r, 500)); // connection attempts fail meanwhile
    expect(resynced).toHaveLength(0);
    await redis.start();
    await started;
    await until('resynced', () => resynced.length > 0, 30_000);
    expect(bridge.isSubscribed).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(resynced).toHaveLength(1);
    expect(resynced[0].downMs).toBeGreaterThan(0);
  }, 60_000);
});
