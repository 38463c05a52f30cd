import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { Role, type AuthUser } from '@/auth/role.enum';
import { FanoutHub } from '@/market-data/ws/fanout-hub';
import { SocketSessions } from '@/market-data/ws/socket-sessions';
import { encodeTextFrame } from '@/market-data/ws/ws-socket';

const USERS: Record<string, AuthUser> = {
  alice: { id: 'u-alice', username: 'alice', role: Role.Trader, via: 'jwt' },
  bob: { id: 'u-bob', username: 'bob', role: Role.Viewer, via: 'jwt' },
  root: { id: 'u-root', username: 'root', role: Role.Admin, via: 'api-key' },
};

interface Client {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  next: () => Promise<Record<string, unknown>>;
}

describe('SocketSessions over a real ws server', () => {
  let wss: WebSocketServer;
  let hub: FanoutHub;
  let sessions: SocketSessions;
  let url: string;
  const demand: string[] = [];
  const open: WebSocket[] = [];

  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
    await once(wss, 'listening');
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
    hub = new FanoutHub({
      maxBufferedBytes: 1 << 20,
      encode: encodeTextFrame,
      onDemandChange: (k, w) => demand.push(`${w ? '+' : '-'}${k}`),
    });
    sessions = new SocketSessions({
      hub,
      authenticate: async (t) => USERS[t] ?? null,
      unknownSymbols: async (s) => s.filter((x) => !['NSE:SBIN-EQ', 'NSE:INFY-EQ'].includes(x)),
      snapshot: async (ch, s) => (ch === 'ticks' ? { ltpPaise: 1, symbol: s } : null),
      limits: { maxSubscriptions: 3, maxMessagesPerSecond: 5, pingIntervalMs: 60_000 },
    });
    wss.on('connection', (ws, req) => sessions.handleConnection(ws, req));
  });
  afterAll(async () => {
    for (const ws of open) ws.terminate();
    sessions.closeAll();
    await new Promise((r) => wss.close(r));
  });

  async function connect(token?: string, how: 'header' | 'query' = 'header'): Promise<Client> {
    const u = token && how === 'query' ? `${url}?token=${token}` : url;
    const ws = new WebSocket(
      u,
      token && how === 'header' ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    open.push(ws);
    const frames: Record<string, unknown>[] = [];
    const waiters: ((f: Record<string, unknown>) => void)[] = [];
    ws.on('message', (d) => {
      const f = JSON.parse((d as Buffer).toString('utf8')) as Record<string, unknown>;
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

  it('closes a socket without a token, or with a bad one, with 4401 before sending anything', async () => {
    for (const token of [undefined, 'mallory']) {
      const c = await connect(token);
      const [code] = (await once(c.ws, 'close')) as [number];
      expect(code).toBe(4401);
      expect(c.frames).toEqual([]);
    }
  });

  it('acks a ticks subscription (token in the query), sends the snapshot, then coalesced data frames', async () => {
    const c = await connect('alice', 'query');
    c.ws.send(JSON.stringify({ action: 'subscribe', channel: 'ticks', symbols: ['NSE:SBIN-EQ'], id: 7 }));
    expect(await c.next()).toEqual({
      type: 'ack',
      action: 'subscribe',
      channel: 'ticks',
      symbols: ['NSE:SBIN-EQ'],
      id: 7,
    });
    expect(await c.next()).toEqual({
      channel: 'ticks',
      symbol: 'NSE:SBIN-EQ',
      data: { ltpPaise: 1, symbol: 'NSE:SBIN-EQ' },
    });
    expect(demand).toContain('+ticks|NSE:SBIN-EQ');
    for (let i = 2; i <= 5; i++) hub.publish('ticks|NSE:SBIN-EQ', { ltpPaise: i });
    hub.flush();
    expect(await c.next()).toEqual({ channel: 'ticks', symbol: 'NSE:SBIN-EQ', data: { ltpPaise: 5 } });
    c.ws.send(JSON.stringify({ action: 'unsubscribe', channel: 'ticks', symbols: ['NSE:SBIN-EQ'] }));
    expect(await c.next()).toMatchObject({ type: 'ack', action: 'unsubscribe' });
    expect(demand).toContain('-ticks|NSE:SBIN-EQ');
    c.ws.close();
  });

  it('answers bad messages, unknown symbols, missing intervals and the subscription limit with error frames', async () => {
    const c = await connect('bob');
    c.ws.send('not json');
    expect(await c.next()).toMatchObject({ type: 'error', code: 'BAD_MESSAGE' });
    c.ws.send(JSON.stringify({ action: 'subscribe', channel: 'ticks', symbols: ['NSE:NOPE-EQ'] }));
    expect(await c.next()).toMatchObject({ type: 'error', code: 'UNKNOWN_SYMBOL', symbols: ['NSE:NOPE-EQ'] });
    c.ws.send(JSON.stringify({ action: 'subscribe', channel: 'candles', symbols: ['NSE:SBIN-EQ'] }));
    expect(await c.next()).toMatchObject({ type: 'error', code: 'BAD_INTERVAL' });
    c.ws.send(
      JSON.stringify({ action: 'subscribe', channel: 'depth', symbols: ['NSE:SBIN-EQ', 'NSE:INFY-EQ'] }),
    );
    expect(await c.next()).toMatchObject({ type: 'ack' });
    c.ws.send(
      JSON.stringify({
        action: 'subscribe',
        channel: 'candles',
        interval: '1m',
        symbols: ['NSE:SBIN-EQ', 'NSE:INFY-EQ'],
      }),
    );
    expect(await c.next()).toMatchObject({ type: 'error', code: 'SUBSCRIPTION_LIMIT' });
    c.ws.close();
  });

  it('limits the inbound message rate with an error frame', async () => {
    const c = await connect('bob');
    for (let i = 0; i < 12; i++) c.ws.send(JSON.stringify({ action: 'subscribe', channel: 'orders' }));
    const replies: Record<string, unknown>[] = [];
    for (let i = 0; i < 12; i++) replies.push(await c.next());
    expect(replies.filter((r) => r.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
    c.ws.close();
  });

  it('delivers private channels only to their owner and to admins', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const root = await connect('root');
    for (const c of [alice, bob, root]) {
      c.ws.send(JSON.stringify({ action: 'subscribe', channel: 'orders' }));
      expect(await c.next()).toMatchObject({ type: 'ack', channel: 'orders' });
    }
    expect(sessions.deliverPrivate('orders', 'u-alice', { orderId: 'o1' })).toBe(2);
    expect(await alice.next()).toEqual({ channel: 'orders', data: { orderId: 'o1' } });
    expect(await root.next()).toEqual({ channel: 'orders', data: { orderId: 'o1' } });
    expect(sessions.deliverPrivate('risk', null, { state: 'HALTED' })).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(bob.frames).toEqual([]);
    for (const c of [alice, bob, root]) c.ws.close();
  });

  it('skips a client whose send buffer passes the limit and reports it slow (sessions then close it with 4008)', () => {
    const sent: string[] = [];
    const slow = {
      socket: { bufferedAmount: 5_000_000, send: (s: string) => sent.push(s) },
      onSlow: jest.fn(),
    };
    const fast = { socket: { bufferedAmount: 0, send: (s: string) => sent.push(s) }, onSlow: jest.fn() };
    const h = new FanoutHub({ maxBufferedBytes: 1 << 20 });
    h.subscribe(slow, 'ticks|X', 'ticks', 'X');
    h.subscribe(fast, 'ticks|X', 'ticks', 'X');
    h.publish('ticks|X', { a: 1 });
    expect(h.flush()).toBe(1);
    expect(slow.onSlow).toHaveBeenCalledTimes(1);
    expect(h.stats).toMatchObject({ framesSerialised: 1, clientsDropped: 1, messagesSent: 1 });
  });
});
