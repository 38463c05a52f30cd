import { once } from 'node:events';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../support/app';

const until = async <T>(probe: () => Promise<T | null>, ms: number): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 250));
  }
};

/** The whole platform against its embedded simulator: feed leader, WebSocket fan-out and backfill. */
describe('market data from the simulator (e2e)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLES: 'api,feed,worker',
      TRADING_MODE: 'simulated',
      SIM_MARKET_HOURS: 'always',
    });
    token = (await t.login()).accessToken;
  });
  afterAll(async () => t?.close());

  it('a new user logs in, opens the WebSocket with the token, subscribes NSE:SBIN-EQ ticks and sees them arrive', async () => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/ws`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString('utf8')) as Record<string, unknown>));
    await once(ws, 'open');
    // The instrument master loads at boot; retry the subscription until the symbol is known.
    await until(async () => {
      frames.length = 0;
      ws.send(JSON.stringify({ action: 'subscribe', channel: 'ticks', symbols: ['NSE:SBIN-EQ'] }));
      await new Promise((r) => setTimeout(r, 200));
      return frames.some((f) => f.type === 'ack') ? true : null;
    }, 20_000);
    const ticks = await until(async () => {
      const got = frames.filter((f) => f.channel === 'ticks' && f.data !== undefined);
      return got.length >= 2 ? got : null;
    }, 30_000);
    expect(ticks[0]).toMatchObject({
      channel: 'ticks',
      symbol: 'NSE:SBIN-EQ',
      data: { symbol: 'NSE:SBIN-EQ', exchange: 'NSE' },
    });
    expect(Number.isInteger((ticks[1].data as { ltpPaise: number }).ltpPaise)).toBe(true);
    ws.close();

    const quote = await t
      .http()
      .get('/api/v1/market/quote?symbols=NSE:SBIN-EQ')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(quote.body[0]).toMatchObject({ symbol: 'NSE:SBIN-EQ', source: 'stream', stale: false });
  });

  it("backfills a range from the simulator's candle history through the queue", async () => {
    const to = Date.now();
    const from = to - 3 * 86_400_000;
    const res = await t
      .http()
      .post('/api/v1/market/backfill')
      .set('authorization', `Bearer ${token}`)
      .send({ symbol: 'NSE:INFY-EQ', interval: '15m', from: String(from), to: String(to) })
      .expect(202);
    expect(res.body).toMatchObject({ chunks: 1 });
    const page = await until(async () => {
      const r = await t
        .http()
        .get(`/api/v1/market/candles?symbol=NSE:INFY-EQ&interval=15m&from=${from}&to=${to}`)
        .set('authorization', `Bearer ${token}`);
      return r.status === 200 && r.body.items.length > 0
        ? (r.body as { items: { start: number; lowPaise: number; highPaise: number }[] })
        : null;
    }, 30_000);
    for (const c of page.items) expect(c.lowPaise).toBeLessThanOrEqual(c.highPaise);
  });
});
