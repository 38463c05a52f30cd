import { once } from 'node:events';
import WebSocket from 'ws';
import { InstrumentCatalog } from '@/broker/instruments/instrument-catalog';
import { EventBus } from '@/common/event-bus';
import type { Instrument, Tick } from '@/domain/market';
import { REDIS } from '@/redis/redis.module';
import { MarketDataKeys } from '@/market-data/market-data.keys';
import { TickCache } from '@/market-data/feed/tick-cache';
import type Redis from 'ioredis';
import { startTestApp, type TestApp } from '../support/app';

const inst = (symbol: string, token: string, name: string): Instrument => ({
  symbol,
  exchange: 'NSE',
  tradingSymbol: symbol.slice(4),
  token,
  name,
  instrumentType: 'EQ',
  expiry: null,
  strikePaise: null,
  optionType: null,
  lotSize: 1,
  tickSizePaise: 5,
});

interface Client {
  ws: WebSocket;
  next: () => Promise<Record<string, unknown>>;
  frames: Record<string, unknown>[];
}

describe('market data REST and WebSocket (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let trader: string;
  let viewer: string;
  let cache: TickCache;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLES: 'api', WS_CLIENT_MAX_HZ: '20' });
    await t.app
      .get(InstrumentCatalog)
      .replace([
        inst('NSE:SBIN-EQ', '3045', 'STATE BANK OF INDIA'),
        inst('NSE:INFY-EQ', '1594', 'INFOSYS LIMITED'),
      ]);
    const keys = t.app.get(MarketDataKeys);
    cache = new TickCache(t.app.get<Redis>(REDIS), (s) => keys.tick(s), keys.ticksChannel);
    admin = (await t.login()).accessToken;
    trader = await t.userToken('tara', 'trader');
    viewer = await t.userToken('vik', 'viewer');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.readyState === WebSocket.OPEN && s.terminate());
    await t?.close();
  });

  const get = (path: string, token = viewer) => t.http().get(path).set('authorization', `Bearer ${token}`);

  async function connect(token?: string): Promise<Client> {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/ws${token ? `?token=${token}` : ''}`);
    sockets.push(ws);
    const frames: Record<string, unknown>[] = [];
    const waiters: ((f: Record<string, unknown>) => void)[] = [];
    ws.on('message', (d: Buffer) => {
      const f = JSON.parse(d.toString('utf8')) as Record<string, unknown>;
      const w = waiters.shift();
      if (w) w(f);
      else frames.push(f);
    });
    await once(ws, 'open');
    return {
      ws,
      frames,
      next: () => (frames.length ? Promise.resolve(frames.shift()!) : new Promise((r) => waiters.push(r))),
    };
  }

  it('finds instruments, names an unknown symbol in a 404, and refuses bad intervals and ranges with 400', async () => {
    const page = await get('/api/v1/instruments?q=SBIN').expect(200);
    expect(page.body).toMatchObject({ total: 1, page: 1, items: [{ symbol: 'NSE:SBIN-EQ' }] });
    // Without text: filter by exchange and page through everything, with the exact total.
    const first = await get('/api/v1/instruments?exchange=NSE&pageSize=1').expect(200);
    expect(first.body).toMatchObject({ total: 2, page: 1, items: [{ symbol: 'NSE:INFY-EQ' }] });
    const second = await get('/api/v1/instruments?exchange=NSE&pageSize=1&page=2').expect(200);
    expect(second.body).toMatchObject({ total: 2, page: 2, items: [{ symbol: 'NSE:SBIN-EQ' }] });
    expect((await get('/api/v1/instruments?exchange=NFO').expect(200)).body).toMatchObject({
      total: 0,
      items: [],
    });
    await get('/api/v1/instruments/NSE:SBIN-EQ').expect(200);
    const missing = await get('/api/v1/instruments/NSE:NOPE-EQ').expect(404);
    expect(missing.body).toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    expect(missing.body.message).toContain('NSE:NOPE-EQ');
    expect((await get('/api/v1/market/candles?symbol=NSE:SBIN-EQ&interval=2m').expect(400)).body.code).toBe(
      'BAD_INTERVAL',
    );
    const range = await get(
      '/api/v1/market/candles?symbol=NSE:SBIN-EQ&interval=1m&from=2025-01-01T00:00:00Z&to=2025-03-01T00:00:00Z',
    ).expect(400);
    expect(range.body.code).toBe('BAD_RANGE');
    expect(
      (await get('/api/v1/market/quote?symbols=NSE:SBIN-EQ,NSE:FOO-EQ').expect(404)).body.message,
    ).toContain('NSE:FOO-EQ');
  });

  it('imports a CSV as admin (idempotent), refuses a bad file with its line, serves and exports the candles', async () => {
    const csv =
      'timestamp,open,high,low,close,volume\n2025-03-13T09:15:00+05:30,812.5,813,811,812.95,100\n2025-03-13T09:16:00+05:30,812.95,813.5,812,813,50\n';
    const url = '/api/v1/market/candles/import?symbol=NSE:SBIN-EQ&interval=1m';
    await t
      .http()
      .post(url)
      .set('authorization', `Bearer ${viewer}`)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(403);
    const first = await t
      .http()
      .post(url)
      .set('authorization', `Bearer ${admin}`)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(200);
    expect(first.body).toMatchObject({ inserted: 2, unchanged: 0, conflicts: [] });
    const again = await t
      .http()
      .post(url)
      .set('authorization', `Bearer ${admin}`)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(200);
    expect(again.body).toMatchObject({ inserted: 0, unchanged: 2 });
    const bad = await t
      .http()
      .post(url)
      .set('authorization', `Bearer ${admin}`)
      .set('content-type', 'text/csv')
      .send(csv.replace('813.5,812', '811,812'))
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'BAD_CSV' });
    expect(bad.body.message).toContain('line 3');
    const candles = await get(
      '/api/v1/market/candles?symbol=NSE:SBIN-EQ&interval=1m&from=2025-03-13T09:00:00%2B05:30&to=2025-03-13T10:00:00%2B05:30&limit=1',
    ).expect(200);
    expect(candles.body.items).toEqual([
      {
        start: Date.parse('2025-03-13T09:15:00+05:30'),
        openPaise: 81_250,
        highPaise: 81_300,
        lowPaise: 81_100,
        closePaise: 81_295,
        volume: 100,
      },
    ]);
    expect(candles.body.nextFrom).toBe(Date.parse('2025-03-13T09:16:00+05:30'));
    const exported = await get(
      '/api/v1/market/candles/export?symbol=NSE:SBIN-EQ&interval=1m&from=2025-03-13T09:00:00%2B05:30&to=2025-03-13T10:00:00%2B05:30',
    ).expect(200);
    expect(exported.text).toBe(
      'timestamp,open,high,low,close,volume\n2025-03-13T09:15:00.000+05:30,812.50,813.00,811.00,812.95,100\n2025-03-13T09:16:00.000+05:30,812.95,813.50,812.00,813.00,50\n',
    );
  });

  it('refuses a WebSocket without a token (4401), streams ticks to a subscriber, and serves the quote from the cache', async () => {
    const anon = await connect();
    const [code] = (await once(anon.ws, 'close')) as [number];
    expect(code).toBe(4401);

    const c = await connect(trader);
    c.ws.send(JSON.stringify({ action: 'subscribe', channel: 'ticks', symbols: ['NSE:SBIN-EQ'] }));
    expect(await c.next()).toMatchObject({ type: 'ack', channel: 'ticks', symbols: ['NSE:SBIN-EQ'] });
    c.ws.send(JSON.stringify({ action: 'subscribe', channel: 'ticks', symbols: ['NSE:NOPE-EQ'] }));
    expect(await c.next()).toMatchObject({ type: 'error', code: 'UNKNOWN_SYMBOL' });

    const now = Date.now();
    const tick: Tick = {
      symbol: 'NSE:SBIN-EQ',
      token: '3045',
      exchange: 'NSE',
      mode: 'SNAP',
      exchangeTime: now,
      receivedAt: now,
      ltpPaise: 81_250,
      volume: 1000,
      bids: [{ pricePaise: 81_245, quantity: 10, orders: 1 }],
      asks: [],
    };
    cache.put(tick);
    await cache.flush();
    const frame = await c.next();
    expect(frame).toMatchObject({
      channel: 'ticks',
      symbol: 'NSE:SBIN-EQ',
      data: { ltpPaise: 81_250, volume: 1000 },
    });
    expect((frame.data as Record<string, unknown>).bids).toBeUndefined();

    const q = await get('/api/v1/market/quote?symbols=NSE:SBIN-EQ').expect(200);
    expect(q.body).toEqual([
      expect.objectContaining({ symbol: 'NSE:SBIN-EQ', ltpPaise: 81_250, stale: false, source: 'stream' }),
    ]);
    const depth = await get('/api/v1/market/depth?symbol=NSE:SBIN-EQ').expect(200);
    expect(depth.body.bids).toEqual([{ pricePaise: 81_245, quantity: 10, orders: 1 }]);
    c.ws.close();
  });

  it("does not deliver one user's private channel to another user; admins see it", async () => {
    const tara = await connect(trader);
    const vik = await connect(viewer);
    const boss = await connect(admin);
    for (const c of [tara, vik, boss]) {
      c.ws.send(JSON.stringify({ action: 'subscribe', channel: 'orders' }));
      expect(await c.next()).toMatchObject({ type: 'ack', channel: 'orders' });
    }
    const me = await get('/api/v1/auth/me', trader).expect(200);
    t.app.get(EventBus).emit('ws.private', {
      channel: 'orders',
      userId: me.body.id as string,
      event: 'orders.updated',
      data: { id: 'o-1', status: 'OPEN' },
    });
    expect(await tara.next()).toEqual({
      channel: 'orders',
      event: 'orders.updated',
      data: { id: 'o-1', status: 'OPEN' },
    });
    expect(await boss.next()).toMatchObject({ channel: 'orders', data: { id: 'o-1' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(vik.frames).toEqual([]);
  });
});
