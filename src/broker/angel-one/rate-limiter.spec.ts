import { BrokerError } from '@/broker/broker.errors';
import { RateLimiter } from './rate-limiter';
import { ROUTES } from './routes';

describe('RateLimiter', () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => {
    jest.useFakeTimers();
    t = 0;
  });
  afterEach(() => jest.useRealTimers());

  async function advance(ms: number) {
    t += ms;
    await jest.advanceTimersByTimeAsync(ms);
  }

  it('allows the per-second burst of an endpoint and holds the next call until a token refills', async () => {
    const rl = new RateLimiter({ orderRatePerSec: 8, now });
    const done: number[] = [];
    for (let i = 0; i < 3; i++)
      void rl.acquire(ROUTES.getRMS).then(
        () => done.push(i),
        () => undefined,
      );
    await advance(0);
    expect(done).toEqual([0, 1]); // getRMS is 2/s
    await advance(499);
    expect(done).toEqual([0, 1]);
    await advance(2);
    expect(done).toEqual([0, 1, 2]);
    rl.close();
  });

  it('serves exits and cancels before entries when order capacity is short', async () => {
    const rl = new RateLimiter({ orderRatePerSec: 1, now });
    const order: string[] = [];
    await rl.acquire(ROUTES.placeOrder, { segment: 'NSE' }); // drains the NSE egress bucket
    void rl.acquire(ROUTES.placeOrder, { segment: 'NSE' }).then(
      () => order.push('entry1'),
      () => undefined,
    );
    void rl.acquire(ROUTES.placeOrder, { segment: 'NSE' }).then(
      () => order.push('entry2'),
      () => undefined,
    );
    void rl.acquire(ROUTES.cancelOrder, { segment: 'NSE', priority: 'high' }).then(
      () => order.push('cancel'),
      () => undefined,
    );
    await advance(1000);
    await advance(1000);
    await advance(1000);
    expect(order).toEqual(['cancel', 'entry1', 'entry2']);
    rl.close();
  });

  it('caps order egress per exchange segment without blocking other segments', async () => {
    const rl = new RateLimiter({ orderRatePerSec: 2, now });
    const sent: string[] = [];
    for (const seg of ['NSE', 'NSE', 'NSE', 'NFO', 'NFO'])
      void rl.acquire(ROUTES.placeOrder, { segment: seg }).then(
        () => sent.push(seg),
        () => undefined,
      );
    await advance(0);
    expect(sent.sort()).toEqual(['NFO', 'NFO', 'NSE', 'NSE']);
    rl.close();
  });

  it('refuses with a rate_limited BrokerError rather than queueing past maxWaitMs', async () => {
    const rl = new RateLimiter({ orderRatePerSec: 8, now, maxWaitMs: 100 });
    await rl.acquire(ROUTES.getOrderBook);
    await expect(rl.acquire(ROUTES.getOrderBook)).rejects.toMatchObject({ kind: 'rate_limited' });
    await expect(rl.acquire(ROUTES.getOrderBook)).rejects.toBeInstanceOf(BrokerError);
    rl.close();
  });

  it('reports headroom per endpoint and window', async () => {
    const rl = new RateLimiter({ orderRatePerSec: 8, now });
    await rl.acquire(ROUTES.placeOrder, { segment: 'NSE' });
    const h = rl.headroom();
    expect(h).toEqual(
      expect.arrayContaining([
        { endpoint: 'order', window: 'second', remaining: 19, capacity: 20 },
        { endpoint: 'order', window: 'minute', remaining: 499, capacity: 500 },
        { endpoint: 'order', window: 'hour', remaining: 999, capacity: 1000 },
        { endpoint: 'order_egress:NSE', window: 'second', remaining: 7, capacity: 8 },
      ]),
    );
    rl.close();
  });
});
