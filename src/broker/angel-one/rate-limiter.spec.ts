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

  it('serves exits before entries when order capacity is short', async () => {
    const rl = new RateLimiter({ orderRatePerSec: 1, now });
    const order: string[] = [];
    await rl.acquire(ROUTES.placeOrder, { segment: 'NSE' }); // drains the NSE egress bucket
    for (const [name, priority] of [
      ['entry1', 'normal'],
      ['entry2', 'normal'],
      ['exit', 'high'],
    ] as const)
      void rl.acquire(ROUTES.placeOrder, { segment: 'NSE', priority }).then(
        () => order.push(name),
        () => undefined,
      );
    await advance(1000);
    await advance(1000);
    await advance(1000);
    expect(order).toEqual(['exit', 'entry1', 'entry2']);
    rl.close();
  });

  it('never holds a cancel behind placements: cancelOrder has its own 20/s and no segment egress cap', async () => {
    const rl = new RateLimiter({ orderRatePerSec: 2, now });
    const sent: string[] = [];
    // Twenty placements queued against an egress cap of 2/s: they need ten seconds.
    for (let i = 0; i < 20; i++)
      void rl.acquire(ROUTES.placeOrder, { segment: 'NSE' }).then(
        () => sent.push('place'),
        () => undefined,
      );
    // Thirty cancels (as the gateway asks for them: no segment) arriving behind them.
    for (let i = 0; i < 30; i++)
      void rl.acquire(ROUTES.cancelOrder, { priority: 'high' }).then(
        () => sent.push('cancel'),
        () => undefined,
      );
    await advance(0);
    expect(sent.filter((x) => x === 'place')).toHaveLength(2);
    expect(sent.filter((x) => x === 'cancel')).toHaveLength(20); // the cancelOrder endpoint's burst
    await advance(500);
    // Refilled at 20/s: ten more tokens in half a second; placements still held to 2/s.
    expect(sent.filter((x) => x === 'cancel')).toHaveLength(30);
    expect(sent.filter((x) => x === 'place')).toHaveLength(3);
    rl.close();
  });

  it('keeps placeOrder, modifyOrder and cancelOrder in separate §7.1 buckets', async () => {
    const rl = new RateLimiter({ orderRatePerSec: 20, now, maxWaitMs: 0 });
    for (let i = 0; i < 20; i++) await rl.acquire(ROUTES.placeOrder, { segment: 'NSE' });
    await expect(rl.acquire(ROUTES.placeOrder, { segment: 'NFO' })).rejects.toMatchObject({
      kind: 'rate_limited',
    });
    // The placeOrder endpoint is exhausted; the other two writes still have their whole burst.
    for (let i = 0; i < 20; i++) await rl.acquire(ROUTES.cancelOrder);
    for (let i = 0; i < 20; i++) await rl.acquire(ROUTES.modifyOrder, { segment: 'NFO' });
    await expect(rl.acquire(ROUTES.cancelOrder)).rejects.toMatchObject({ kind: 'rate_limited' });
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
        { endpoint: 'placeOrder', window: 'second', remaining: 19, capacity: 20 },
        { endpoint: 'placeOrder', window: 'minute', remaining: 499, capacity: 500 },
        { endpoint: 'placeOrder', window: 'hour', remaining: 999, capacity: 1000 },
        { endpoint: 'order_egress:NSE', window: 'second', remaining: 7, capacity: 8 },
      ]),
    );
    rl.close();
  });
});
