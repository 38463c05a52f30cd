import { once } from 'node:events';
import WebSocket from 'ws';
import { InstrumentCatalog } from '@/broker/instruments/instrument-catalog';
import { EventBus } from '@/common/event-bus';
import type {} from '@/common/event-bus-bridge';
import type { Instrument } from '@/domain/market';
import { ThrowawayRedis } from '../support/throwaway-redis';
import { startTestApp, type TestApp } from '../support/app';
import { equity } from '../orders/support/instruments';

/**
 * Private channels travel over Redis pub/sub, which drops what is published while the gateway's
 * subscriber is disconnected. After such an outage every client holding a private subscription gets one
 * `resync` frame per private channel (same envelope as other private frames) telling it what to refetch.
 */

const SBIN: Instrument = { ...equity('NSE:SBIN-EQ', '3045'), name: 'STATE BANK OF INDIA' };

type Frame = Record<string, unknown>;

interface Client {
  ws: WebSocket;
  frames: Frame[];
  /** Sends a client message and waits for its ack. */
  subscribe: (msg: Frame) => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const resyncs = (c: Client) => c.frames.filter((f) => f.event === 'resync');

describe('private channels after the Redis event stream was interrupted (e2e)', () => {
  let redis: ThrowawayRedis;
  let t: TestApp;
  let trader: string;
  let viewer: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    redis = await ThrowawayRedis.create();
    t = await startTestApp({ APP_ROLES: 'api', REDIS_URL: redis.url });
    await t.app.get(InstrumentCatalog).replace([SBIN]);
    trader = await t.userToken('tara', 'trader');
    viewer = await t.userToken('vik', 'viewer');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.readyState === WebSocket.OPEN && s.terminate());
    await t?.close();
    await redis?.stop();
  });

  async function connect(token: string): Promise<Client> {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/ws?token=${token}`);
    sockets.push(ws);
    const frames: Frame[] = [];
    ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString('utf8')) as Frame));
    await once(ws, 'open');
    const subscribe = async (msg: Frame) => {
      const id = Math.random().toString(36).slice(2);
      ws.send(JSON.stringify({ action: 'subscribe', ...msg, id }));
      await until(() => frames.some((f) => f.id === id), 5000, `ack of ${JSON.stringify(msg)}`);
      expect(frames.find((f) => f.id === id)).toMatchObject({ type: 'ack' });
    };
    return { ws, frames, subscribe };
  }

  it("sends one resync per subscribed private channel on the EventBus bridge's bus.resynced, once per outage", async () => {
    const tara = await connect(trader);
    await tara.subscribe({ channel: 'positions' });
    await tara.subscribe({ channel: 'pnl' });
    const pub = await connect(viewer);
    await pub.subscribe({ channel: 'ticks', symbols: ['NSE:SBIN-EQ'] });
    // Connecting and starting up sent nothing of the kind.
    await sleep(300);
    expect(resyncs(tara)).toEqual([]);

    const bus = t.app.get(EventBus);
    bus.emit('bus.resynced', { at: Date.now(), downMs: 1500 });
    await until(() => resyncs(tara).length >= 2, 5000, 'resync frames');
    expect(resyncs(tara)).toEqual([
      {
        channel: 'positions',
        event: 'resync',
        data: { reason: 'event stream interrupted', downMs: 1500, refetch: '/api/v1/portfolio/positions' },
      },
      {
        channel: 'pnl',
        event: 'resync',
        data: { reason: 'event stream interrupted', downMs: 1500, refetch: '/api/v1/portfolio/pnl' },
      },
    ]);
    // A second trigger for the same outage sends nothing more.
    bus.emit('bus.resynced', { at: Date.now(), downMs: 1600 });
    await sleep(500);
    expect(resyncs(tara)).toHaveLength(2);
    expect(resyncs(pub)).toEqual([]);
    tara.ws.close();
    pub.ws.close();
  });

  it('tells an orders subscriber exactly once to refetch after Redis was down ~2 s, and nothing to a public-only client', async () => {
    const tara = await connect(trader);
    await tara.subscribe({ channel: 'orders' });
    const pub = await connect(viewer);
    await pub.subscribe({ channel: 'ticks', symbols: ['NSE:SBIN-EQ'] });
    const me = await t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${trader}`).expect(200);
    const bus = t.app.get(EventBus);
    const busResynced: number[] = [];
    const off = bus.on('bus.resynced', (e) => busResynced.push(e.downMs));
    try {
      await sleep(200);
      expect(resyncs(tara)).toEqual([]);

      await redis.stop();
      const stoppedAt = Date.now();
      await sleep(2000);
      await redis.start();
      await until(() => resyncs(tara).length > 0, 20_000, 'a resync frame');
      // The EventBus bridge of this process comes back from the same outage and triggers too; wait for
      // it and past the dedup window: still one frame.
      await until(() => busResynced.length > 0, 20_000, "the event bridge's bus.resynced");
      await sleep(6000);

      const frames = resyncs(tara);
      expect(frames).toHaveLength(1);
      expect(frames[0]).toEqual({
        channel: 'orders',
        event: 'resync',
        data: { reason: 'event stream interrupted', downMs: expect.any(Number), refetch: '/api/v1/orders' },
      });
      const downMs = (frames[0].data as { downMs: number }).downMs;
      expect(downMs).toBeGreaterThanOrEqual(1900);
      expect(downMs).toBeLessThan(Date.now() - stoppedAt + 100);
      expect(resyncs(pub)).toEqual([]);
      expect(pub.frames.filter((f) => f.channel === 'orders')).toEqual([]);

      // The private channel is live again: an order event reaches the subscriber after the resync.
      bus.emit('ws.private', {
        channel: 'orders',
        userId: me.body.id as string,
        event: 'orders.updated',
        data: { id: 'o-after', status: 'OPEN' },
      });
      await until(() => tara.frames.some((f) => f.event === 'orders.updated'), 5000, 'orders.updated');
      expect(tara.frames.filter((f) => f.channel === 'orders' && !f.type).map((f) => f.event)).toEqual([
        'resync',
        'orders.updated',
      ]);
    } finally {
      off();
    }
  });
});
