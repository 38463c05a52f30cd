import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger } from '@/broker/broker-logger';
import { buildFrame } from '../../../test/broker/fixtures/frames';
import { SmartStreamClient } from './smart-stream-client';
import type { DecodedTick } from './stream-decoder';

interface Conn {
  ws: WebSocket;
  headers: IncomingMessage['headers'];
  messages: string[];
}

async function server(onConn?: (c: Conn) => void) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const conns: Conn[] = [];
  wss.on('connection', (ws, req) => {
    const c: Conn = { ws, headers: req.headers, messages: [] };
    ws.on('message', (d: Buffer) => c.messages.push(d.toString()));
    conns.push(c);
    onConn?.(c);
  });
  return { wss, conns, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/smart-stream` };
}

const until = async (what: string, fn: () => boolean, ms = 3000) => {
  const start = Date.now();
  while (!fn()) {
    if (Date.now() - start > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('SmartStreamClient', () => {
  const clients: SmartStreamClient[] = [];
  const servers: WebSocketServer[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.stop());
    for (const s of servers.splice(0)) {
      s.clients.forEach((c) => c.terminate());
      await new Promise((r) => s.close(r));
    }
  });

  function client(url: string, extra: Partial<ConstructorParameters<typeof SmartStreamClient>[0]> = {}) {
    const ticks: DecodedTick[] = [];
    const c = new SmartStreamClient({
      url,
      apiKey: 'api-k',
      clientCode: 'C1',
      credentials: () => ({ jwt: 'jwt-1', feedToken: 'feed-1' }),
      logger: silentLogger,
      onTick: (t) => ticks.push({ ...t }),
      reconnectBaseMs: 20,
      reconnectMaxMs: 100,
      ...extra,
    });
    clients.push(c);
    return { c, ticks };
  }

  it('sends the four auth headers and a JSON subscribe grouped by exchange type, then decodes ticks', async () => {
    const s = await server();
    servers.push(s.wss);
    const { c, ticks } = client(s.url);
    c.subscribe([
      { exchangeType: 1, token: '3045', mode: 1 },
      { exchangeType: 1, token: '2885', mode: 1 },
      { exchangeType: 2, token: '35078', mode: 1 },
    ]);
    c.start();
    await until('subscribe', () => s.conns[0]?.messages.length === 1);
    expect(s.conns[0].headers).toMatchObject({
      authorization: 'Bearer jwt-1',
      'x-api-key': 'api-k',
      'x-client-code': 'C1',
      'x-feed-token': 'feed-1',
    });
    expect(JSON.parse(s.conns[0].messages[0])).toMatchObject({
      action: 1,
      params: {
        mode: 1,
        tokenList: [
          { exchangeType: 1, tokens: ['3045', '2885'] },
          { exchangeType: 2, tokens: ['35078'] },
        ],
      },
    });
    s.conns[0].ws.send('pong');
    s.conns[0].ws.send(JSON.stringify({ correlationID: 'x', errorCode: 'E1002', errorMessage: 'limit' }));
    s.conns[0].ws.send(buildFrame({ mode: 1, token: '3045', ltp: 81234, exchangeTime: 1764200000000 }));
    s.conns[0].ws.send(Buffer.alloc(10));
    await until('tick', () => ticks.length === 1);
    expect(ticks[0]).toMatchObject({ token: '3045', ltp: 81234 });
    expect(c.lastExchangeTime.get('3045')).toBe(1764200000000);
    await until('counters', () => c.counters.short === 1 && c.errorFrames === 1);
  });

  it('reconnects after the server drops the socket and resubscribes everything', async () => {
    const s = await server();
    servers.push(s.wss);
    const { c } = client(s.url);
    c.subscribe([{ exchangeType: 1, token: '3045', mode: 3 }]);
    c.start();
    await until('first subscribe', () => s.conns[0]?.messages.length === 1);
    s.conns[0].ws.terminate();
    await until('resubscribe on a new connection', () => s.conns[1]?.messages.length === 1);
    expect(s.conns[1].messages[0]).toBe(s.conns[0].messages[0]);
    expect(c.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('switches a token between modes with an unsubscribe first, and unsubscribes', async () => {
    const s = await server();
    servers.push(s.wss);
    const { c } = client(s.url);
    c.start();
    c.subscribe([{ exchangeType: 1, token: '3045', mode: 1 }]);
    await until('socket', () => s.conns.length === 1);
    await until('sub', () => s.conns[0].messages.length >= 1);
    c.subscribe([{ exchangeType: 1, token: '3045', mode: 3 }]);
    c.unsubscribe([{ exchangeType: 1, token: '3045' }]);
    await until('three frames', () => s.conns[0].messages.length === 4);
    const m = s.conns[0].messages.map((x) => JSON.parse(x) as { action: number; params: { mode: number } });
    expect(m.map((x) => [x.action, x.params.mode])).toEqual([
      [1, 1],
      [0, 1],
      [1, 3],
      [0, 3],
    ]);
    expect(c.subscriptionCount).toBe(0);
  });

  it('shards tokens across at most N connections of at most M tokens and refuses the rest', async () => {
    const s = await server();
    servers.push(s.wss);
    const { c } = client(s.url, { maxConnections: 2, maxTokensPerConnection: 2 });
    const refused = c.subscribe(
      ['1', '2', '3', '4', '5'].map((token) => ({ exchangeType: 1, token, mode: 1 as const })),
    );
    expect(refused.map((r) => r.token)).toEqual(['5']);
    c.start();
    await until(
      'two connections subscribed',
      () => s.conns.length === 2 && s.conns.every((x) => x.messages.length === 1),
    );
    const tokens = s.conns.map(
      (x) =>
        (JSON.parse(x.messages[0]) as { params: { tokenList: { tokens: string[] }[] } }).params.tokenList[0]
          .tokens,
    );
    expect(tokens.sort()).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('pings with text and drops a socket that stops answering', async () => {
    const s = await server();
    servers.push(s.wss);
    const { c } = client(s.url, { pingIntervalMs: 40, pongTimeoutMs: 120 });
    c.subscribe([{ exchangeType: 1, token: '1', mode: 1 }]);
    c.start();
    await until('ping', () => s.conns[0]?.messages.includes('ping'));
    await until('watchdog reconnect', () => s.conns.length >= 2, 2000);
  });
});
