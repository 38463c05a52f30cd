import type { PlaceOrderRequest } from '@/broker/broker.types';
import { ManualClock } from '@/common/clock';
import { PaperGateway } from './paper-gateway';
import { RedisPaperStateStore, type KeyValue } from './paper-state.store';
import { depthTick, FakeMarketGateway, SBIN } from './testing/fake-market-gateway';

const T0 = Date.UTC(2026, 0, 5, 4, 0, 0);

class MemoryKv implements KeyValue {
  readonly data = new Map<string, string>();
  failSets = false;
  get(key: string) {
    return Promise.resolve(this.data.get(key) ?? null);
  }
  set(key: string, value: string) {
    if (this.failSets) return Promise.reject(new Error('redis is down'));
    this.data.set(key, value);
    return Promise.resolve('OK');
  }
}

function gateway(kv: KeyValue, errors: string[] = []) {
  const inner = new FakeMarketGateway();
  const clock = new ManualClock(T0);
  const gw = new PaperGateway({
    inner,
    clock,
    capitalPaise: 1_00_000_00,
    store: new RedisPaperStateStore(kv, 'tb:paper:book'),
    onError: (m) => errors.push(m),
  });
  return { inner, clock, gw };
}

const order = (o: Partial<PlaceOrderRequest>): PlaceOrderRequest => ({
  tag: 'tag',
  instrument: SBIN,
  side: 'BUY',
  quantity: 10,
  type: 'MARKET',
  product: 'INTRADAY',
  validity: 'DAY',
  ...o,
});

describe('PaperGateway keeps its book across a restart', () => {
  it('a new gateway on the same store has the orders, positions, trades and funds, and working orders go on working', async () => {
    const kv = new MemoryKv();
    const a = gateway(kv);
    a.inner.push(depthTick(T0, 10000, [[9995, 100]], [[10000, 100]]));
    await a.gw.placeOrder(order({ tag: 'filled' }));
    const resting = await a.gw.placeOrder(
      order({ tag: 'resting', type: 'LIMIT', pricePaise: 9900, quantity: 5 }),
    );
    await a.gw.settled();
    const before = {
      orders: await a.gw.orderBook(),
      positions: await a.gw.positions(),
      trades: await a.gw.tradeBook(),
      funds: await a.gw.funds(),
    };

    const b = gateway(kv);
    expect(await b.gw.orderBook()).toEqual(before.orders);
    expect(await b.gw.positions()).toEqual(before.positions);
    expect(await b.gw.tradeBook()).toEqual(before.trades);
    // Funds without a quote yet: same cash and margin held, no unrealised P&L.
    expect((await b.gw.funds()).utilisedPaise).toBe(before.funds.utilisedPaise);
    expect(b.inner.subscribed.get(SBIN.token)).toBe('SNAP');

    b.inner.push(depthTick(T0 + 1000, 9890, [[9880, 10]], [[9890, 10]]));
    expect(await b.gw.findOrderByTag('resting')).toMatchObject({
      brokerOrderId: resting.brokerOrderId,
      status: 'COMPLETE',
      averagePricePaise: 9890,
    });
    const next = await b.gw.placeOrder(order({ tag: 'after' }));
    expect(before.orders.map((o) => o.brokerOrderId)).not.toContain(next.brokerOrderId);
  });

  it('refuses order calls while the stored book cannot be read, and recovers on reconnect', async () => {
    const kv = new MemoryKv();
    kv.data.set('tb:paper:book', '{"version": 7}');
    const errors: string[] = [];
    const { gw } = gateway(kv, errors);
    await expect(gw.orderBook()).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(gw.placeOrder(order({}))).rejects.toMatchObject({ kind: 'unavailable' });
    expect(errors.join()).toMatch(/not loaded/);
    kv.data.delete('tb:paper:book');
    await gw.connect();
    expect(await gw.orderBook()).toEqual([]);
  });

  it('reports a failed save and keeps matching; the next change saves the whole book', async () => {
    const kv = new MemoryKv();
    const errors: string[] = [];
    const { inner, gw } = gateway(kv, errors);
    kv.failSets = true;
    inner.push(depthTick(T0, 10000, [[9995, 100]], [[10000, 100]]));
    await gw.placeOrder(order({ tag: 'one' }));
    await gw.settled();
    expect(errors.join()).toMatch(/not saved: .*redis is down/);
    kv.failSets = false;
    await gw.placeOrder(order({ tag: 'two' }));
    await gw.settled();
    const saved = JSON.parse(kv.data.get('tb:paper:book')!);
    expect(saved.orders.map((o: { order: { tag: string } }) => o.order.tag)).toEqual(['one', 'two']);
  });
});
