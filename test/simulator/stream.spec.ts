import WebSocket from 'ws';
import { startSimulator, type SimulatorHandle } from '@/simulator';
import { ORDER, RawClient, sbinBuy } from './client';

type Msg = { data: Buffer; binary: boolean };

function open(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket; msgs: Msg[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const msgs: Msg[] = [];
    ws.on('message', (data: Buffer, binary) => msgs.push({ data, binary }));
    ws.once('open', () => resolve({ ws, msgs }));
    ws.once('error', reject);
  });
}

function refusal(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; message: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, message: res.headers['x-error-message'] as string | undefined });
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('handshake unexpectedly accepted')));
    ws.once('error', () => undefined);
  });
}

const until = async <T>(probe: () => T | undefined, what: string, ms = 3000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const text = (msgs: Msg[]): string[] => msgs.filter((m) => !m.binary).map((m) => m.data.toString());
const binaries = (msgs: Msg[]): Buffer[] => msgs.filter((m) => m.binary).map((m) => m.data);

describe('SmartStream and order-update sockets', () => {
  let sim: SimulatorHandle;
  let c: RawClient;
  let headers: Record<string, string>;

  beforeEach(async () => {
    sim = await startSimulator({ tickIntervalMs: 0 });
    c = new RawClient(sim);
    await c.login();
    headers = {
      Authorization: c.jwt,
      'x-api-key': sim.credentials.apiKey,
      'x-client-code': sim.credentials.clientCode,
      'x-feed-token': c.feedToken,
    };
  });
  afterEach(() => sim.close());

  it('refuses bad credentials with 401 and x-error-message', async () => {
    expect(await refusal(sim.streamUrl, { ...headers, 'x-feed-token': 'nope' })).toEqual({
      status: 401,
      message: 'Invalid Feed Token',
    });
    expect(await refusal(sim.streamUrl, { ...headers, 'x-api-key': 'nope' })).toEqual({
      status: 401,
      message: 'Invalid API Key',
    });
    expect(await refusal(sim.streamUrl, { ...headers, 'x-client-code': 'X1' })).toEqual({
      status: 401,
      message: 'Invalid Client Code',
    });
    expect(await refusal(sim.streamUrl, { ...headers, Authorization: 'Bearer x.y.z' })).toEqual({
      status: 401,
      message: 'Invalid Auth token',
    });
    expect(await refusal(sim.orderUpdateUrl, {})).toEqual({ status: 401, message: 'Invalid Auth token' });
  });

  it('accepts Authorization with or without Bearer, and the query-string variant', async () => {
    const a = await open(sim.streamUrl, headers);
    const b = await open(sim.streamUrl, { ...headers, Authorization: `Bearer ${c.jwt}` });
    const q = new URLSearchParams({
      clientCode: sim.credentials.clientCode,
      feedToken: c.feedToken,
      apiKey: sim.credentials.apiKey,
    });
    const d = await open(`${sim.streamUrl}?${q.toString()}`, {});
    for (const s of [a, b, d]) s.ws.close();
  });

  it('answers ping with pong, bad payloads with E1001, and streams all three frame modes', async () => {
    const { ws, msgs } = await open(sim.streamUrl, headers);
    ws.send('ping');
    await until(() => text(msgs).find((t) => t === 'pong'), 'pong');
    ws.send('{"action":1,"params":{"mode":9}}');
    ws.send(JSON.stringify({ correlationID: 'c1', action: 1, params: { mode: 1, tokenList: 'x' } }));
    await until(
      () => (text(msgs).filter((t) => t.includes('E1001')).length === 2 ? true : undefined),
      'two E1001 frames',
    );
    expect(JSON.parse(text(msgs).filter((t) => t.includes('E1001'))[1])).toMatchObject({
      correlationID: 'c1',
      errorCode: 'E1001',
    });

    ws.send(
      JSON.stringify({ action: 1, params: { mode: 1, tokenList: [{ exchangeType: 1, tokens: ['3045'] }] } }),
    );
    ws.send(
      JSON.stringify({ action: 1, params: { mode: 2, tokenList: [{ exchangeType: 1, tokens: ['2885'] }] } }),
    );
    ws.send(
      JSON.stringify({ action: 1, params: { mode: 3, tokenList: [{ exchangeType: 1, tokens: ['1594'] }] } }),
    );
    await until(() => (binaries(msgs).length >= 3 ? true : undefined), 'three snapshots');
    expect(binaries(msgs).map((b) => [b[0], b.length])).toEqual([
      [1, 51],
      [2, 123],
      [3, 379],
    ]);
    sim.market.step();
    await until(() => (binaries(msgs).length >= 6 ? true : undefined), 'ticks after a step');
    const last = binaries(msgs)
      .filter((b) => b[0] === 1)
      .at(-1)!;
    expect(Number(last.readBigInt64LE(43))).toBe(sim.market.ltp('3045'));
    ws.send(
      JSON.stringify({ action: 0, params: { mode: 1, tokenList: [{ exchangeType: 1, tokens: ['3045'] }] } }),
    );
    ws.send('ping');
    await until(
      () => (text(msgs).filter((t) => t === 'pong').length === 2 ? true : undefined),
      'second pong',
    );
    const before = binaries(msgs).length;
    sim.market.step();
    await until(
      () => (binaries(msgs).length >= before + 2 ? true : undefined),
      'ticks for the remaining two',
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(
      binaries(msgs)
        .slice(before)
        .map((b) => b[0])
        .sort(),
    ).toEqual([2, 3]);
    ws.close();
  });

  it('sends E1002 past 1000 tokens and keeps the existing subscriptions', async () => {
    const { ws, msgs } = await open(sim.streamUrl, headers);
    const tokens = Array.from({ length: 1000 }, (_, i) => String(100000 + i));
    ws.send(JSON.stringify({ action: 1, params: { mode: 1, tokenList: [{ exchangeType: 1, tokens }] } }));
    ws.send(
      JSON.stringify({
        correlationID: 'over',
        action: 1,
        params: { mode: 1, tokenList: [{ exchangeType: 1, tokens: ['3045'] }] },
      }),
    );
    const err = await until(() => text(msgs).find((t) => t.includes('E1002')), 'E1002');
    expect(JSON.parse(err)).toMatchObject({ correlationID: 'over', errorCode: 'E1002' });
    expect(binaries(msgs)).toHaveLength(0);
    ws.close();
  });

  it('closes a fourth connection of the same client code', async () => {
    const three = await Promise.all([1, 2, 3].map(() => open(sim.streamUrl, headers)));
    const fourth = await open(sim.streamUrl, headers);
    const code = await new Promise<number>((resolve) => fourth.ws.once('close', (c) => resolve(c)));
    expect(code).toBe(1008);
    expect(three.every((s) => s.ws.readyState === WebSocket.OPEN)).toBe(true);
    three.forEach((s) => s.ws.close());
  });

  it('drops every socket and stalls the feed on command', async () => {
    const s = await open(sim.streamUrl, headers);
    const u = await open(sim.orderUpdateUrl, {
      Authorization: `Bearer ${c.jwt}`,
      'x-api-key': sim.credentials.apiKey,
    });
    s.ws.send(
      JSON.stringify({ action: 1, params: { mode: 1, tokenList: [{ exchangeType: 1, tokens: ['3045'] }] } }),
    );
    await until(() => binaries(s.msgs)[0], 'snapshot');
    sim.faults.stallFeed(true);
    sim.market.step();
    await new Promise((r) => setTimeout(r, 100));
    expect(binaries(s.msgs)).toHaveLength(1);
    sim.faults.stallFeed(false);
    sim.market.step();
    await until(() => binaries(s.msgs)[1], 'tick after the stall');
    const closed = Promise.all([s.ws, u.ws].map((w) => new Promise((r) => w.once('close', r))));
    expect(sim.faults.dropSockets()).toBe(2);
    await closed;
  });

  it('sends AB00 on connect and a frame per order state change, late when delayed', async () => {
    const { ws, msgs } = await open(sim.orderUpdateUrl, { Authorization: `Bearer ${c.jwt}` });
    const first = JSON.parse(await until(() => text(msgs)[0], 'AB00'));
    expect(first).toMatchObject({
      'user-id': 'SIM001',
      'status-code': '200',
      'order-status': 'AB00',
      'error-message': '',
    });
    const ltp = sim.market.ltp('3045')!;
    const placed = await c.call(
      'POST',
      `${ORDER}/placeOrder`,
      sbinBuy({ ordertype: 'LIMIT', price: ((ltp - 500) / 100).toFixed(2) }),
    );
    await c.call('POST', `${ORDER}/cancelOrder`, { variety: 'NORMAL', orderid: placed.json.data.orderid });
    await until(() => (text(msgs).length >= 3 ? true : undefined), 'open and cancelled frames');
    const frames = text(msgs)
      .slice(1)
      .map((t) => JSON.parse(t));
    expect(frames.map((f) => [f['order-status'], f.orderData.status])).toEqual([
      ['AB01', 'open'],
      ['AB02', 'cancelled'],
    ]);
    expect(frames[0].orderData).toMatchObject({
      orderid: placed.json.data.orderid,
      price: (ltp - 500) / 100,
      quantity: '1',
    });

    sim.faults.orderUpdateDelayMs = 200;
    await c.call(
      'POST',
      `${ORDER}/placeOrder`,
      sbinBuy({ ordertype: 'LIMIT', price: ((ltp - 500) / 100).toFixed(2) }),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(text(msgs)).toHaveLength(3);
    await until(() => text(msgs)[3], 'the delayed frame');
    ws.close();
  });
});
