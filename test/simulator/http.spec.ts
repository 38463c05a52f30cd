import { request } from 'node:http';
import { formatIstIso } from '@/simulator/ist';
import { startSimulator, type SimulatorHandle } from '@/simulator';
import { ORDER, RawClient, sbinBuy, type Reply } from './client';

describe('simulator REST gateway over a real socket', () => {
  let sim: SimulatorHandle;
  let c: RawClient;

  beforeEach(async () => {
    sim = await startSimulator({ tickIntervalMs: 0 });
    c = new RawClient(sim);
    await c.login();
  });
  afterEach(() => sim.close());

  it('answers the success envelope and accepts the JSON body the JS SDK sends on GETs', async () => {
    // fetch refuses a GET body, so this goes through node:http the way axios does.
    const get = (path: string, body: string): Promise<{ status: number; json: Reply }> =>
      new Promise((resolve, reject) => {
        const req = request(
          `${sim.restUrl}${path}`,
          { method: 'GET', headers: { ...c.headers(), 'Content-Length': Buffer.byteLength(body) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const r = await get('/rest/secure/angelbroking/user/v1/getProfile', '{}');
    expect(r.json).toMatchObject({
      status: true,
      message: 'SUCCESS',
      errorcode: '',
      data: { clientcode: 'SIM001', email: '', mobileno: '' },
    });
    const n = await get(`${ORDER}/details/nope`, 'null');
    expect(n.json).toEqual({ status: false, message: 'Order not found', errorcode: 'AB1013', data: null });
  });

  it('answers the gateway envelope for a bad, missing or logged-out JWT', async () => {
    const bad = await c.call('GET', '/rest/secure/angelbroking/user/v1/getRMS', undefined, {
      Authorization: 'Bearer not.a.jwt',
    });
    expect(bad).toMatchObject({
      status: 200,
      json: { success: false, message: 'Invalid Token', errorCode: 'AG8001', data: '' },
    });
    const jwt = c.jwt;
    c.jwt = '';
    expect((await c.call('GET', '/rest/secure/angelbroking/user/v1/getRMS')).json).toMatchObject({
      errorCode: 'AG8003',
    });
    c.jwt = jwt;
    expect(
      (await c.call('POST', '/rest/secure/angelbroking/user/v1/logout', { clientcode: 'SIM001' })).json,
    ).toMatchObject({ status: true, data: null });
    expect((await c.call('GET', '/rest/secure/angelbroking/user/v1/getRMS')).json).toMatchObject({
      success: false,
      errorCode: 'AG8001',
    });
  });

  it('refuses a wrong TOTP with AB1050 and refreshes tokens', async () => {
    await new Promise((r) => setTimeout(r, 1000)); // login bucket: 1/s
    const r = await c.call('POST', '/rest/auth/angelbroking/user/v1/loginByPassword', {
      clientcode: 'SIM001',
      password: '1234',
      totp: '000000',
    });
    // 000000 is the right code once in a million; the spec accepts that risk.
    expect(r.json).toEqual({ status: false, message: 'Invalid totp', errorcode: 'AB1050', data: null });
    const t = await c.call('POST', '/rest/auth/angelbroking/jwt/v1/generateTokens', {
      refreshToken: c.refreshToken,
    });
    expect(Object.keys(t.json.data)).toEqual(['jwtToken', 'refreshToken', 'feedToken']);
  });

  it('refuses an ordertag of 20 characters with AB4008 and logs every placeOrder received', async () => {
    const r = await c.call('POST', `${ORDER}/placeOrder`, sbinBuy({ ordertag: 'x'.repeat(20) }));
    expect(r.json).toEqual({
      status: false,
      message: 'ordertag length should be less than 20 characters',
      errorcode: 'AB4008',
      data: null,
    });
    const ok = await c.call('POST', `${ORDER}/placeOrder`, sbinBuy({ ordertag: 'x'.repeat(19) }));
    expect(ok.json.data).toMatchObject({
      orderid: expect.stringMatching(/^\d{15}$/),
      uniqueorderid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(sim.orderTagLog.map((e) => [e.ordertag.length, e.orderid])).toEqual([
      [20, null],
      [19, ok.json.data.orderid],
    ]);
  });

  it('answers the plain-text body with HTTP 403 when a bucket is exceeded', async () => {
    expect((await c.call('GET', `${ORDER}/getOrderBook`)).status).toBe(200);
    const r = await c.call('GET', `${ORDER}/getOrderBook`);
    expect(r).toMatchObject({ status: 403, text: 'Access denied because of exceeding access rate' });
  });

  it('rejects an order placed with a wrong exchange after acknowledging it', async () => {
    const r = await c.call('POST', `${ORDER}/placeOrder`, sbinBuy({ symboltoken: '424242' }));
    expect(r.json.status).toBe(true);
    const d = await c.call('GET', `${ORDER}/details/${r.json.data.uniqueorderid}`);
    expect(d.json.data).toMatchObject({
      status: 'rejected',
      orderstatus: 'rejected',
      text: expect.stringMatching(/invalid symbol token/),
    });
  });

  it('keeps the order when a timeout fault swallows the answer', async () => {
    sim.faults.add({ route: 'placeOrder', kind: 'timeout', times: 1 });
    await expect(
      c.call(
        'POST',
        `${ORDER}/placeOrder`,
        sbinBuy({ ordertag: 'lost-answer' }),
        undefined,
        AbortSignal.timeout(300),
      ),
    ).rejects.toThrow();
    expect(sim.exchange.ordersOf('SIM001').map((o) => [o.ordertag, o.status])).toEqual([
      ['lost-answer', 'complete'],
    ]);
    const again = await c.call('POST', `${ORDER}/placeOrder`, sbinBuy());
    expect(again.json.status).toBe(true);
  });

  it('answers 5xx before or after accepting, rate-limit and rejection faults, for the next N calls', async () => {
    sim.faults.add({ route: 'placeOrder', kind: 'error', status: 502, times: 1 });
    sim.faults.add({ route: 'placeOrder', kind: 'error', afterAccept: true, times: 1 });
    const a = await c.call('POST', `${ORDER}/placeOrder`, sbinBuy({ ordertag: 'a' }));
    const b = await c.call('POST', `${ORDER}/placeOrder`, sbinBuy({ ordertag: 'b' }));
    expect([a.status, b.status]).toEqual([502, 503]);
    expect(sim.exchange.ordersOf('SIM001').map((o) => o.ordertag)).toEqual(['b']);
    sim.faults.add({ route: '*', kind: 'rateLimit', times: 1 });
    expect((await c.call('GET', '/rest/secure/angelbroking/user/v1/getRMS')).status).toBe(403);
    expect((await c.call('GET', '/rest/secure/angelbroking/user/v1/getRMS')).status).toBe(200);
    sim.faults.add({ route: 'placeOrder', kind: 'reject', reason: 'RMS: blocked by test', times: 1 });
    const r = await c.call('POST', `${ORDER}/placeOrder`, sbinBuy({ ordertag: 'c' }));
    expect(sim.exchange.find('SIM001', r.json.data.orderid)).toMatchObject({
      status: 'rejected',
      text: 'RMS: blocked by test',
    });
  });

  it('programs faults over the admin route and reports state', async () => {
    const set = await c.call('POST', '/sim/faults', {
      faults: [{ route: 'getRMS', kind: 'error', times: 2 }],
      orderUpdateDelayMs: 250,
      stallFeed: true,
    });
    expect(set.json.faults).toMatchObject({
      calls: [{ route: 'getRMS', kind: 'error', remaining: 2 }],
      orderUpdateDelayMs: 250,
      feedStalled: true,
    });
    expect((await c.call('GET', '/rest/secure/angelbroking/user/v1/getRMS')).status).toBe(503);
    expect((await c.call('POST', '/sim/faults', { faults: [{ route: 'x', kind: 'nope' }] })).status).toBe(
      400,
    );
    await c.call('DELETE', '/sim/faults');
    const state = await c.call('GET', '/sim/state');
    expect(state.json).toMatchObject({
      faults: { calls: [], feedStalled: false, orderUpdateDelayMs: 0 },
      sessions: 1,
      orders: 0,
    });
    await c.call('POST', '/sim/market', { token: '3045', price: '812.35' });
    expect(sim.market.ltp('3045')).toBe(81_235);
  });

  it('joins the candle history to the live market: the quote close is the last daily candle close', async () => {
    const now = Date.now();
    const fmt = (ms: number): string => formatIstIso(ms).slice(0, 16).replace('T', ' ');
    const today = formatIstIso(now).slice(0, 10);
    const days = await c.call('POST', '/rest/secure/angelbroking/historical/v1/getCandleData', {
      exchange: 'NSE',
      symboltoken: '2885',
      interval: 'ONE_DAY',
      fromdate: fmt(now - 10 * 86_400_000),
      todate: fmt(now),
    });
    const past = (days.json.data as Array<[string, number, number, number, number, number]>).filter(
      (r) => !r[0].startsWith(today),
    );
    const q = await c.call('POST', '/rest/secure/angelbroking/market/v1/quote', {
      mode: 'OHLC',
      exchangeTokens: { NSE: ['2885'] },
    });
    expect(q.json.data.fetched[0].close).toBe(past.at(-1)![4]);
  });

  it('serves quotes, candles with the max-days rule, search, GTT and the scrip master', async () => {
    const q = await c.call('POST', '/rest/secure/angelbroking/market/v1/quote', {
      mode: 'LTP',
      exchangeTokens: { NSE: ['3045', '1'] },
    });
    expect(q.json.data).toEqual({
      fetched: [
        {
          exchange: 'NSE',
          tradingSymbol: 'SBIN-EQ',
          symbolToken: '3045',
          ltp: sim.market.ltp('3045')! / 100,
        },
      ],
      unfetched: [expect.objectContaining({ symbolToken: '1' })],
    });
    await new Promise((r) => setTimeout(r, 1000)); // quote bucket: 1/s
    const tooMany = await c.call('POST', '/rest/secure/angelbroking/market/v1/quote', {
      mode: 'LTP',
      exchangeTokens: { NSE: Array.from({ length: 51 }, (_, i) => String(i)) },
    });
    expect(tooMany.json).toMatchObject({ status: false });
    const long = await c.call('POST', '/rest/secure/angelbroking/historical/v1/getCandleData', {
      exchange: 'NSE',
      symboltoken: '3045',
      interval: 'ONE_MINUTE',
      fromdate: '2026-01-01 09:15',
      todate: '2026-02-01 09:15',
    });
    expect(long.json).toMatchObject({ status: false, message: expect.stringMatching(/at most 30 days/) });
    const gtt = await c.call('POST', '/rest/secure/angelbroking/gtt/v1/createRule', {
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      exchange: 'NSE',
      producttype: 'DELIVERY',
      transactiontype: 'BUY',
      price: '700',
      qty: '1',
      disclosedqty: '0',
      triggerprice: '701',
      timeperiod: '365',
    });
    const list = await c.call('POST', '/rest/secure/angelbroking/gtt/v1/ruleList', {
      status: ['ACTIVE'],
      page: 1,
      count: 10,
    });
    expect(list.json.data).toEqual([
      expect.objectContaining({
        id: gtt.json.data.id,
        status: 'ACTIVE',
        price: '700.00',
        expirydate: expect.stringMatching(/Z$/),
      }),
    ]);
    expect(
      (await c.call('POST', '/rest/secure/angelbroking/gtt/v1/ruleList', { status: 'ACTIVE' })).json.status,
    ).toBe(false);
    const master = await fetch(sim.scripMasterUrl);
    expect(((await master.json()) as unknown[]).length).toBeGreaterThan(100);
  });
});
