import { appError, FakeSmartApi, gatewayError, ok } from '../../../test/broker/fixtures/fake-smartapi';
import { HttpTransport } from './http-transport';
import { AngelRestClient } from './rest-client';
import { ROUTES } from './routes';

const SECURE = '/rest/secure/angelbroking';
const JWT = 'eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJBMTIzNCJ9.c2lnbmF0dXJlLXNlY3JldA';

describe('AngelRestClient over HttpTransport', () => {
  let api: FakeSmartApi;
  let client: AngelRestClient;
  const identity = { localIp: '192.168.1.20', mac: 'aa:bb:cc:dd:ee:ff' };

  beforeEach(async () => {
    api = await new FakeSmartApi().start();
    const http = new HttpTransport({
      baseUrl: api.url,
      apiKey: 'api-key-123',
      publicIp: '203.0.113.7',
      identity,
      timeoutMs: 300,
      retryBaseMs: 5,
    });
    client = new AngelRestClient(http, () => JWT);
  });
  afterEach(() => api.stop());

  it('sends the §1.1 headers with true values and the JWT as a Bearer token', async () => {
    api.on(
      `${SECURE}/user/v1/getProfile`,
      ok({ clientcode: 'A1234', name: 'Test', exchanges: ['nse_cm'], products: ['CNC'] }),
    );
    const p = await client.getProfile();
    expect(p).toEqual({ clientcode: 'A1234', name: 'Test', exchanges: ['nse_cm'], products: ['CNC'] });
    expect(api.seen[0].headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-usertype': 'USER',
      'x-sourceid': 'WEB',
      'x-clientlocalip': '192.168.1.20',
      'x-clientpublicip': '203.0.113.7',
      'x-macaddress': 'aa:bb:cc:dd:ee:ff',
      'x-privatekey': 'api-key-123',
      authorization: `Bearer ${JWT}`,
    });
  });

  it('sends login without Authorization', async () => {
    api.on(
      '/rest/auth/angelbroking/user/v1/loginByPassword',
      ok({ jwtToken: 'j', refreshToken: 'r', feedToken: 'f' }),
    );
    await client.login({ clientcode: 'A1234', password: '1111', totp: '123456' });
    expect(api.seen[0].headers.authorization).toBeUndefined();
    expect(JSON.parse(api.seen[0].body)).toEqual({ clientcode: 'A1234', password: '1111', totp: '123456' });
  });

  it('coerces the mixed-type order book: numeric strings, float prices, numeric orderid', async () => {
    api.on(
      `${SECURE}/order/v1/getOrderBook`,
      ok([
        {
          variety: 'NORMAL',
          ordertype: 'LIMIT',
          producttype: 'INTRADAY',
          duration: 'DAY',
          price: '194.00',
          triggerprice: 0,
          quantity: '10',
          disclosedquantity: '0',
          tradingsymbol: 'SBIN-EQ',
          transactiontype: 'BUY',
          exchange: 'NSE',
          symboltoken: '3045',
          averageprice: 161.7,
          filledshares: '4',
          unfilledshares: '6',
          cancelsize: '0',
          orderid: 201020000000080,
          text: '',
          status: 'open',
          orderstatus: 'open',
          updatetime: '20-Oct-2020 13:10:59',
          exchorderupdatetime: '',
          ordertag: 'tag1',
          uniqueorderid: 'u-1',
        },
      ]),
    );
    const [row] = await client.getOrderBook();
    expect(row).toMatchObject({
      price: 19400,
      averageprice: 16170,
      quantity: 10,
      filledshares: 4,
      orderid: '201020000000080',
      ordertag: 'tag1',
    });
  });

  it('reads an empty book (data null) as an empty list', async () => {
    api.on(`${SECURE}/order/v1/getTradeBook`, ok(null));
    await expect(client.getTradeBook()).resolves.toEqual([]);
  });

  it('turns the application envelope into a rejected BrokerError with its code', async () => {
    api.on(
      `${SECURE}/order/v1/placeOrder`,
      appError('AB4008', 'ordertag length should be less than 20 characters'),
    );
    await expect(client.placeOrder(order())).rejects.toMatchObject({
      kind: 'rejected',
      code: 'AB4008',
      route: 'placeOrder',
    });
  });

  it('turns the gateway envelope for an expired JWT into an auth error', async () => {
    api.on(`${SECURE}/user/v1/getRMS`, gatewayError('AG8001', 'Invalid Token'));
    await expect(client.getRMS()).rejects.toMatchObject({ kind: 'auth', code: 'AG8001' });
    expect(api.seen).toHaveLength(1);
  });

  it('classifies a wrong TOTP at login as an auth error', async () => {
    api.on('/rest/auth/angelbroking/user/v1/loginByPassword', appError('AB1050', 'Invalid totp'));
    await expect(client.login({ clientcode: 'A', password: '1111', totp: '000000' })).rejects.toMatchObject({
      kind: 'auth',
      code: 'AB1050',
    });
  });

  it('parses the plain-text rate-limit body: rate_limited for a read (after retries), ambiguous for an order', async () => {
    const limited = () => ({ status: 403, body: 'Access denied because of exceeding access rate' });
    api.on(`${SECURE}/order/v1/getPosition`, limited);
    await expect(client.getPosition()).rejects.toMatchObject({ kind: 'rate_limited', code: 'RATE_LIMIT' });
    expect(api.seen).toHaveLength(3);
    api.on(`${SECURE}/order/v1/placeOrder`, limited);
    await expect(client.placeOrder(order())).rejects.toMatchObject({ kind: 'ambiguous' });
    expect(api.seen).toHaveLength(4);
  });

  it('retries reads after a 5xx and succeeds', async () => {
    api.on(
      `${SECURE}/user/v1/getRMS`,
      () => ({ status: 502, body: 'bad gateway' }),
      ok({ net: '1000.5000', availablecash: '900.0000', availablelimitmargin: null }),
    );
    const rms = await client.getRMS();
    expect(rms.net).toBe(100050);
    expect(rms.availablelimitmargin).toBe(0);
    expect(api.seen).toHaveLength(2);
  });

  it('never retries an order write: a 5xx, a timeout or a dropped connection is ambiguous after one attempt', async () => {
    api.on(`${SECURE}/order/v1/placeOrder`, () => ({ status: 503, body: { message: 'down' } }));
    await expect(client.placeOrder(order())).rejects.toMatchObject({ kind: 'ambiguous', httpStatus: 503 });
    api.on(`${SECURE}/order/v1/placeOrder`, () => ({ delayMs: 1000, body: {} }));
    await expect(client.placeOrder(order())).rejects.toMatchObject({ kind: 'ambiguous' });
    api.on(`${SECURE}/order/v1/placeOrder`, () => ({ destroy: true, body: '' }));
    await expect(client.placeOrder(order())).rejects.toMatchObject({ kind: 'ambiguous' });
    expect(api.seen.filter((r) => r.path.endsWith('placeOrder'))).toHaveLength(3);
  });

  it('reports a refused connection as unavailable (nothing was sent)', async () => {
    await api.stop();
    const http = new HttpTransport({
      baseUrl: api.url,
      apiKey: 'k',
      publicIp: '203.0.113.7',
      identity,
      timeoutMs: 300,
      readRetries: 0,
    });
    await expect(new AngelRestClient(http, () => JWT).placeOrder(order())).rejects.toMatchObject({
      kind: 'unavailable',
    });
    api = await new FakeSmartApi().start();
  });

  it('names the route and trims the body when a reply fails validation, with no secret in the message', async () => {
    api.on(
      `${SECURE}/order/v1/placeOrder`,
      ok({ uniqueorderid: `leaked ${JWT} api-key-123 ${'x'.repeat(500)}` }),
    );
    const err = (await client.placeOrder(order()).catch((e: Error) => e)) as Error;
    expect(err).toMatchObject({ kind: 'invalid_response', route: 'placeOrder' });
    expect(err.message).toContain('orderid');
    expect(err.message).not.toContain(JWT);
    expect(err.message).not.toContain('api-key-123');
    expect(err.message.length).toBeLessThan(400);
  });

  it('cites each route path exactly as the protocol lists it', () => {
    expect(ROUTES.login.path).toBe('/rest/auth/angelbroking/user/v1/loginByPassword');
    expect(ROUTES.marketQuote.path).toBe('/rest/secure/angelbroking/market/v1/quote');
    expect(ROUTES.getAllHolding.path).toBe('/rest/secure/angelbroking/portfolio/v1/getAllHolding');
    expect(ROUTES.gttList.path).toBe('/rest/secure/angelbroking/gtt/v1/ruleList');
    expect(ROUTES.marginBatch.path).toBe('/rest/secure/angelbroking/margin/v1/batch');
    expect(
      Object.values(ROUTES)
        .filter((r) => r.write)
        .map((r) => r.name),
    ).toEqual(expect.arrayContaining(['placeOrder', 'modifyOrder', 'cancelOrder']));
  });

  it('GETs order details by unique order id and parses candles and quotes', async () => {
    api.on(
      `${SECURE}/historical/v1/getCandleData`,
      ok([['2023-09-06T11:15:00+05:30', 100.5, 101, 99.95, '100.10', 1200]]),
    );
    api.on(
      `${SECURE}/market/v1/quote`,
      ok({
        fetched: [{ exchange: 'NSE', tradingSymbol: 'SBIN-EQ', symbolToken: '3045', ltp: 812.35 }],
        unfetched: [],
      }),
    );
    const c = await client.getCandleData({
      exchange: 'NSE',
      symboltoken: '3045',
      interval: 'ONE_MINUTE',
      fromdate: '2023-09-06 09:15',
      todate: '2023-09-06 15:30',
    });
    expect(c).toEqual([['2023-09-06T11:15:00+05:30', 10050, 10100, 9995, 10010, 1200]]);
    const q = await client.marketQuote({ mode: 'LTP', exchangeTokens: { NSE: ['3045'] } });
    expect(q.fetched[0].ltp).toBe(81235);
  });
});

function order() {
  return {
    variety: 'NORMAL' as const,
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY' as const,
    exchange: 'NSE',
    ordertype: 'LIMIT' as const,
    producttype: 'INTRADAY' as const,
    duration: 'DAY' as const,
    price: '812.35',
    quantity: '1',
    ordertag: 't1',
  };
}
