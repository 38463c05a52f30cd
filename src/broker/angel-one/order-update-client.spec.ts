import { silentLogger } from '@/broker/broker-logger';
import type { BrokerOrder, OrderUpdate } from '@/broker/broker.types';
import { OrderUpdateClient } from './order-update-client';

const frame = (status: string, orderData: object) =>
  JSON.stringify({
    'user-id': 'A1',
    'status-code': '200',
    'order-status': status,
    'error-message': '',
    orderData,
  });

const row = {
  variety: 'NORMAL',
  ordertype: 'LIMIT',
  producttype: 'INTRADAY',
  duration: 'DAY',
  price: 812.35,
  triggerprice: 0,
  quantity: '10',
  disclosedquantity: '0',
  tradingsymbol: 'SBIN-EQ',
  transactiontype: 'BUY',
  exchange: 'NSE',
  symboltoken: '3045',
  averageprice: 812.3,
  filledshares: '10',
  unfilledshares: '0',
  cancelsize: '0',
  orderid: '251127000000001',
  text: '',
  status: 'complete',
  orderstatus: 'complete',
  updatetime: '27-Nov-2025 10:15:00',
  exchorderupdatetime: '27-Nov-2025 10:15:01',
  ordertag: 'tag-9',
  uniqueorderid: 'u-9',
};

function make(poll: () => Promise<BrokerOrder[]> = async () => []) {
  const updates: OrderUpdate[] = [];
  const c = new OrderUpdateClient({
    url: 'ws://127.0.0.1:9/smart-order-update', // nothing listens: the client stays down and polls
    apiKey: 'k',
    clientCode: 'A1',
    credentials: () => ({ jwt: 'j', feedToken: 'f' }),
    logger: silentLogger,
    onUpdate: (u) => updates.push(u),
    pollOrderBook: poll,
    reconnectBaseMs: 5_000,
  });
  return { c, updates };
}

describe('OrderUpdateClient', () => {
  it('ignores the AB00 connect frame, pong and malformed frames', () => {
    const { c } = make();
    expect(c.parse(frame('AB00', {}))).toBeNull();
    expect(c.parse('pong')).toBeNull();
    expect(c.parse('{not json')).toBeNull();
    expect(c.parse(frame('AB05', { ...row, exchange: 'XYZ' }))).toBeNull();
    expect(c.parse(frame('AB05', { ...row, quantity: 'ten' }))).toBeNull();
  });

  it('parses orderData with float prices and string quantities into a typed update', () => {
    const { c } = make();
    const u = c.parse(frame('AB05', row), 42);
    expect(u).toEqual({
      eventCode: 'AB05',
      source: 'stream',
      receivedAt: 42,
      order: expect.objectContaining({
        brokerOrderId: '251127000000001',
        tag: 'tag-9',
        symbol: 'NSE:SBIN-EQ',
        status: 'COMPLETE',
        rawStatus: 'complete',
        quantity: 10,
        filledQuantity: 10,
        pricePaise: 81235,
        averagePricePaise: 81230,
        side: 'BUY',
        type: 'LIMIT',
        updatedAt: Date.UTC(2025, 10, 27, 4, 45, 1),
      }),
    });
    expect(
      c.parse(
        frame('AB03', { ...row, status: 'rejected', orderstatus: 'rejected', text: 'Insufficient Funds' }),
      )?.order,
    ).toMatchObject({
      status: 'REJECTED',
      message: 'Insufficient Funds',
    });
  });

  it('polls the order book at most once a second while disconnected and emits only changes', async () => {
    let calls = 0;
    const order = {
      brokerOrderId: '1',
      rawStatus: 'open',
      filledQuantity: 0,
      quantity: 5,
      pricePaise: 100,
      triggerPricePaise: 0,
    } as BrokerOrder;
    const { c, updates } = make(async () => {
      calls++;
      return calls < 2 ? [order] : [{ ...order, rawStatus: 'complete', filledQuantity: 5 }];
    });
    c.start();
    await new Promise((r) => setTimeout(r, 3300));
    c.stop();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(4);
    expect(updates.map((u) => [u.source, u.order.rawStatus])).toEqual([
      ['poll', 'open'],
      ['poll', 'complete'],
    ]);
  });
});
