import type { InstrumentCatalog } from '@/broker/instruments/instrument-catalog';
import { ManualClock } from '@/common/clock';
import type { AppConfig } from '@/config/app-config';
import type { Instrument } from '@/domain/market';
import { createPaperGateway } from './paper-gateway.factory';
import type { KeyValue } from './paper-state.store';
import { depthTick, FakeMarketGateway, SBIN } from './testing/fake-market-gateway';

const config = (roles: string[]) =>
  ({ env: { PAPER_CAPITAL: 2500.5 }, hasRole: (r: string) => roles.includes(r) }) as unknown as AppConfig;
const catalog = {
  ensure: () => Promise.resolve(),
  peekByToken: (_e: string, token: string) =>
    token === SBIN.token ? ({ lotSize: 5, tickSizePaise: 5 } as Instrument) : undefined,
} as unknown as InstrumentCatalog;

function kv(): KeyValue & { writes: number } {
  const m = new Map<string, string>();
  return {
    writes: 0,
    get: (k) => Promise.resolve(m.get(k) ?? null),
    set(k, v) {
      this.writes++;
      m.set(k, v);
      return Promise.resolve('OK');
    },
  };
}

describe('createPaperGateway', () => {
  it('starts with PAPER_CAPITAL, takes lot sizes from the catalog and saves the book in the worker', async () => {
    const store = kv();
    const inner = new FakeMarketGateway();
    const gw = createPaperGateway({
      config: config(['api', 'worker']),
      inner,
      catalog,
      redis: store,
      redisKey: 'k',
      clock: new ManualClock(1000),
    });
    expect((await gw.funds()).availableCashPaise).toBe(250050);
    await expect(
      gw.placeOrder({
        tag: 'x',
        instrument: SBIN,
        side: 'BUY',
        quantity: 3,
        type: 'MARKET',
        product: 'INTRADAY',
        validity: 'DAY',
      }),
    ).rejects.toThrow(/lot size 5/);
    inner.push(depthTick(1000, 10000, [[9995, 10]], [[10000, 10]]));
    await gw.placeOrder({
      tag: 'y',
      instrument: SBIN,
      side: 'BUY',
      quantity: 5,
      type: 'MARKET',
      product: 'INTRADAY',
      validity: 'DAY',
    });
    await gw.settled();
    expect(store.writes).toBeGreaterThan(0);
  });

  it('does not let a process without the worker role overwrite the saved book', async () => {
    const store = kv();
    const inner = new FakeMarketGateway();
    const gw = createPaperGateway({
      config: config(['api']),
      inner,
      redis: store,
      redisKey: 'k',
      clock: new ManualClock(1000),
    });
    inner.push(depthTick(1000, 10000, [[9995, 10]], [[10000, 10]]));
    await gw.placeOrder({
      tag: 'z',
      instrument: SBIN,
      side: 'BUY',
      quantity: 1,
      type: 'MARKET',
      product: 'INTRADAY',
      validity: 'DAY',
    });
    await gw.settled();
    expect(store.writes).toBe(0);
  });
});
