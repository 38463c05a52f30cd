/**
 * Conformance: the official smartapi-javascript SDK (1.0.27) against the simulator, over real
 * sockets, as protocol §8.6 explains. The SDK is an independent client: if it logs in, trades and
 * decodes ticks here, the simulator speaks what real SmartAPI clients send and expect.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { startSimulator, type SimulatorHandle } from '@/simulator';

// The SDK looks up its public IP at construction and crashes the process offline (§8.3).
jest.mock('public-ip', () => ({ v4: () => Promise.resolve('127.0.0.1'), v6: () => Promise.resolve('::1') }));

// The SDK ships no types (protocol §8.1) and resolves whatever answer shape it likes (§8.4.1).
/* eslint-disable @typescript-eslint/no-explicit-any */
type Sdk = Record<string, (...args: any[]) => any> & {
  access_token: string | null;
  refresh_token: string | null;
};
type SdkModule = {
  SmartAPI: new (o: object) => Sdk;
  WebSocketV2: new (o: object) => any;
  WSOrderUpdates: new (o: object) => any;
};

const waitFor = async <T>(
  probe: () => T | undefined | null | false,
  what: string,
  timeoutMs = 5000,
): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('smartapi-javascript SDK against the simulator', () => {
  let sim: SimulatorHandle;
  let sdk: SdkModule;
  let api: Sdk;
  let feedToken: string;
  const originalCwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'sdk-conformance-'));
  // The SDK never clears its ping intervals (§8.4.6); the harness collects and clears them.
  const sdkTimers: NodeJS.Timeout[] = [];
  const realSetInterval = global.setInterval;

  beforeAll(async () => {
    // Requiring the SDK creates ./error.log, where it also writes secrets on errors (§8.4.2).
    process.chdir(dir);
    sim = await startSimulator({ tickIntervalMs: 0, seed: 7 });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const constants: { CONSTANTS: Record<string, unknown> } = require('smartapi-javascript/config/constant');
    constants.CONSTANTS.websocketURL = sim.streamUrl;
    constants.CONSTANTS.wsclientupdatesURL = sim.orderUpdateUrl;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sdk = require('smartapi-javascript');
    global.setInterval = (...args: Parameters<typeof setInterval>) => {
      const t = realSetInterval(...args);
      sdkTimers.push(t);
      return t;
    };
  });

  afterAll(async () => {
    global.setInterval = realSetInterval;
    for (const t of sdkTimers) clearInterval(t);
    await sim?.close();
    process.chdir(originalCwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the SDK error.log in the temporary directory', async () => {
    await waitFor(() => existsSync(join(dir, 'error.log')), 'the SDK to create error.log');
    expect(existsSync(join(originalCwd, 'error.log'))).toBe(false);
  });

  it('logs in with client code, MPIN and a real TOTP, and reads the profile', async () => {
    api = new sdk.SmartAPI({ api_key: sim.credentials.apiKey, root: sim.restUrl, timeout: 5000 });
    // generateSession returns nothing; it stores the tokens when the answer arrives.
    api.generateSession(
      sim.credentials.clientCode,
      sim.credentials.pin,
      generateSync({ secret: sim.credentials.totpSecret }),
    );
    await waitFor(() => api.access_token, 'the SDK to store the jwt');
    expect(api.refresh_token).toEqual(expect.any(String));

    const profile = await api.getProfile();
    expect(profile).toMatchObject({
      status: true,
      message: 'SUCCESS',
      errorcode: '',
      data: { clientcode: sim.credentials.clientCode },
    });
    expect(profile.data.exchanges).toContain('nse_cm');

    const refreshed = await api.generateToken(api.refresh_token);
    expect(refreshed.status).toBe(true);
    feedToken = refreshed.data.feedToken;
    expect(feedToken.split('.')).toHaveLength(3);
  });

  it('refuses a wrong TOTP with AB1050', async () => {
    const other = new sdk.SmartAPI({ api_key: sim.credentials.apiKey, root: sim.restUrl, timeout: 5000 });
    const code = generateSync({ secret: sim.credentials.totpSecret });
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
    // Wait past the login bucket (1/s) used by the previous test.
    await new Promise((r) => setTimeout(r, 1100));
    const answer = await new sdk.SmartAPI({
      api_key: sim.credentials.apiKey,
      root: sim.restUrl,
    }).getProfile();
    expect(answer).toMatchObject({ success: false, errorCode: 'AG8003' });
    other.generateSession(sim.credentials.clientCode, sim.credentials.pin, wrong);
    // generateSession swallows the answer; the SDK's error.log records it (with the MPIN and TOTP, §8.4.2).
    await waitFor(
      () => readFileSync(join(dir, 'error.log'), 'utf8').includes('"errorcode":"AB1050"'),
      'AB1050 in error.log',
    );
    expect(other.access_token).toBeNull();
  });

  it('places a limit order, finds it in the order book and cancels it', async () => {
    const ltp = sim.market.ltp('3045')!;
    const limitPaise = Math.round((ltp * 0.9) / 5) * 5;
    const placed = await api.placeOrder({
      variety: 'NORMAL',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      transactiontype: 'BUY',
      exchange: 'NSE',
      ordertype: 'LIMIT',
      producttype: 'INTRADAY',
      duration: 'DAY',
      price: (limitPaise / 100).toFixed(2),
      squareoff: '0',
      stoploss: '0',
      quantity: '5',
      ordertag: 'conformance-1',
    });
    expect(placed).toMatchObject({
      status: true,
      data: { orderid: expect.stringMatching(/^\d{15}$/), uniqueorderid: expect.any(String) },
    });
    const { orderid, uniqueorderid } = placed.data;

    const book = await api.getOrderBook();
    const row = (book.data as Array<Record<string, unknown>>).find((o) => o.orderid === orderid);
    expect(row).toMatchObject({
      status: 'open',
      orderstatus: 'open',
      tradingsymbol: 'SBIN-EQ',
      quantity: '5',
      price: (limitPaise / 100).toFixed(2),
      ordertag: 'conformance-1',
    });

    const cancelled = await api.cancelOrder({ variety: 'NORMAL', orderid });
    expect(cancelled).toMatchObject({ status: true, data: { orderid } });
    const details = await api.indOrderDetails(uniqueorderid);
    expect(details.data).toMatchObject({ orderid, status: 'cancelled', cancelsize: '5' });
    expect(sim.orderTagLog.filter((e) => e.ordertag === 'conformance-1')).toHaveLength(1);
  });

  it('serves candles in the SmartAPI shape', async () => {
    const answer = await api.getCandleData({
      exchange: 'NSE',
      symboltoken: '3045',
      interval: 'ONE_DAY',
      fromdate: '2026-01-01 09:15',
      todate: '2026-03-31 15:30',
    });
    expect(answer.status).toBe(true);
    const rows = answer.data as unknown[][];
    expect(rows.length).toBeGreaterThan(50);
    for (const [ts, o, h, l, c, v] of rows as Array<[string, number, number, number, number, number]>) {
      expect(ts).toMatch(/^2026-0[1-3]-\d{2}T00:00:00\+05:30$/);
      expect(h).toBeGreaterThanOrEqual(Math.max(o, c, l));
      expect(l).toBeLessThanOrEqual(Math.min(o, c));
      expect(v).toBeGreaterThan(0);
    }
  });

  it('quotes the simulator price and searches scrips', async () => {
    const quote = await api.marketData({ mode: 'FULL', exchangeTokens: { NSE: ['3045', '99926000'] } });
    expect(quote.status).toBe(true);
    const sbin = quote.data.fetched.find((r: { symbolToken: string }) => r.symbolToken === '3045');
    expect(sbin.ltp).toBe(sim.market.ltp('3045')! / 100);
    expect(sbin.depth.buy).toHaveLength(5);
    // searchScrip resolves to the bare array and logs it (§8.4.4).
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const found = await api.searchScrip({ exchange: 'NSE', searchscrip: 'SBIN' });
    log.mockRestore();
    expect(found).toEqual(
      expect.arrayContaining([{ exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' }]),
    );
  });

  it('answers funds, positions and holdings', async () => {
    expect(await api.getRMS()).toMatchObject({
      status: true,
      data: { availablecash: expect.stringMatching(/^\d+\.\d{4}$/) },
    });
    expect(await api.getPosition()).toMatchObject({ status: true });
    const holdings = await api.getAllHolding();
    expect(holdings.data.holdings.map((h: { tradingsymbol: string }) => h.tradingsymbol)).toContain(
      'SBIN-EQ',
    );
  });

  it('streams WebSocketV2 ticks whose decoded LTP equals the simulator price', async () => {
    const ws = new sdk.WebSocketV2({
      clientcode: sim.credentials.clientCode,
      jwttoken: api.access_token,
      apikey: sim.credentials.apiKey,
      feedtype: feedToken,
    });
    const ticks: Array<Record<string, any>> = [];
    ws.on('tick', (t: Record<string, any>) => ticks.push(t));
    await ws.connect();
    ws.fetchData({ correlationID: 'conf1', action: 1, mode: 1, exchangeType: 1, tokens: ['3045'] });
    const snapshot = await waitFor(() => ticks.find((t) => t.subscription_mode === '1'), 'the LTP snapshot');
    // The SDK keeps literal quotes around the token (§8.4.5).
    expect(snapshot.token).toBe('"3045"');
    expect(snapshot.last_traded_price).toBe(String(sim.market.ltp('3045')));

    const target = sim.market.ltp('3045')! + 125;
    sim.market.setPrice('3045', target);
    const moved = await waitFor(
      () => ticks.find((t) => t.subscription_mode === '1' && t.last_traded_price === String(target)),
      'the moved LTP',
    );
    expect(Number(moved.exchange_type)).toBe(1);

    ws.fetchData({ action: 1, mode: 3, exchangeType: 1, tokens: ['2885'] });
    const snap = await waitFor(() => ticks.find((t) => t.subscription_mode === '3'), 'a SnapQuote');
    expect(snap.last_traded_price).toBe(String(sim.market.ltp('2885')));
    expect(snap.best_5_buy_data.map((d: { flag: string }) => d.flag)).toEqual(['1', '1', '1', '1', '1']);
    expect(snap.best_5_sell_data.map((d: { flag: string }) => d.flag)).toEqual(['0', '0', '0', '0', '0']);
    ws.close();
  });

  it('delivers order updates to WSOrderUpdates', async () => {
    const ws = new sdk.WSOrderUpdates({
      clientcode: sim.credentials.clientCode,
      jwttoken: api.access_token,
      apikey: sim.credentials.apiKey,
      feedtype: feedToken,
    });
    const frames: Array<Record<string, any>> = [];
    ws.on('tick', (t: string) => frames.push(JSON.parse(t)));
    await ws.connect();
    await waitFor(() => frames.find((f) => f['order-status'] === 'AB00'), 'the AB00 frame');
    const placed = await api.placeOrder({
      variety: 'NORMAL',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      transactiontype: 'BUY',
      exchange: 'NSE',
      ordertype: 'MARKET',
      producttype: 'INTRADAY',
      duration: 'DAY',
      price: '0',
      quantity: '1',
    });
    const done = await waitFor(
      () => frames.find((f) => f.orderData?.orderid === placed.data.orderid && f['order-status'] === 'AB05'),
      'the complete update',
    );
    expect(done).toMatchObject({
      'user-id': sim.credentials.clientCode,
      'status-code': '200',
      orderData: { status: 'complete', filledshares: '1' },
    });
    expect(typeof done.orderData.averageprice).toBe('number');
    ws.close();
  });
});
