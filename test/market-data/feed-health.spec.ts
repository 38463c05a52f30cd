import type Redis from 'ioredis';
import type { AppConfig } from '@/config/app-config';
import { EventBus } from '@/common/event-bus';
import type { Instrument } from '@/domain/market';
import { HealthRegistry } from '@/health/health-registry';
import { MarketCalendar } from '@/market-data/calendar/market-calendar';
import { EMPTY_FEED_GRACE_MS, FeedHealth } from '@/market-data/feed/feed-health';
import { FeedService, type FeedStatus } from '@/market-data/feed/feed-service';
import type { TickCache } from '@/market-data/feed/tick-cache';
import type { MarketDataKeys } from '@/market-data/market-data.keys';
import { equity } from '../orders/support/instruments';

function health(status: object | null) {
  const redis = { get: async () => (status ? JSON.stringify(status) : null) } as unknown as Redis;
  const keys = { feedStatus: 'k' } as MarketDataKeys;
  const config = { env: { STALE_TICK_SECONDS: 10 } } as unknown as AppConfig;
  const registry = new HealthRegistry();
  const h = new FeedHealth(registry, new MarketCalendar(), keys, config, redis);
  h.onModuleInit();
  return { h, registry };
}

describe('FeedHealth (/health/ready market-feed)', () => {
  const open = Date.parse('2025-06-10T11:00:00+05:30');

  it('registers a non-critical check, so a degraded feed never takes the API out of rotation', () => {
    expect(health(null).registry.list()).toEqual([
      expect.objectContaining({ name: 'market-feed', critical: false }),
    ]);
  });

  it('is degraded in market hours when no process holds the feed or an instrument is stale', async () => {
    expect((await health(null).h.check(open)).up).toBe(false);
    const stale = await health({
      leader: 'a',
      subscribed: 5,
      stale: ['NSE:SBIN-EQ'],
      at: open - 1000,
    }).h.check(open);
    expect(stale).toMatchObject({ up: false, details: { staleCount: 1, stale: ['NSE:SBIN-EQ'] } });
    expect((await health({ leader: 'a', subscribed: 5, stale: [], at: open - 1000 }).h.check(open)).up).toBe(
      true,
    );
  });

  it('is up outside market hours whatever the feed does', async () => {
    expect((await health(null).h.check(Date.parse('2025-06-14T11:00:00+05:30'))).up).toBe(true);
  });
});

describe('FeedHealth: feed leader connected with instruments to subscribe but none subscribed', () => {
  const open = Date.parse('2025-06-10T11:00:00+05:30');
  const saturday = Date.parse('2025-06-14T11:00:00+05:30');
  const SBIN: Instrument = { ...equity('NSE:SBIN-EQ', '3045'), name: 'SBIN' };

  afterEach(() => jest.useRealTimers());

  /** A real FeedService leading the feed; its published status is what FeedHealth reads from Redis. */
  async function leader(start: number, watchlist: string[], known: Map<string, Instrument>) {
    jest.useFakeTimers({ now: start, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    let last: FeedStatus | null = null;
    const subscribed = new Set<string>();
    const feed = new FeedService({
      gateway: {
        connect: async () => undefined,
        subscribeTicks: (s) => s.forEach((x) => subscribed.add(x.instrument.symbol)),
        unsubscribeTicks: (s) => s.forEach((x) => subscribed.delete(x.instrument.symbol)),
        onTick: () => () => undefined,
      },
      instruments: {
        resolve: async (ss) => new Map(ss.filter((s) => known.has(s)).map((s) => [s, known.get(s)!])),
      },
      bus: new EventBus(),
      calendar: new MarketCalendar(),
      cache: {} as TickCache,
      demand: { union: async () => new Set<string>() },
      storeCandles: async () => undefined,
      publishCandles: async () => undefined,
      publishStatus: async (s) => void (last = s),
      now: () => Date.now(),
      watchlist,
      staleMs: 3_600_000,
      id: 'leader-1',
    });
    await feed.activate();
    const { h } = health(null);
    (h as unknown as { redis: Redis }).redis = {
      get: async () => (last ? JSON.stringify(last) : null),
    } as unknown as Redis;
    return { feed, h, subscribed, status: () => last };
  }

  it('is degraded, with the reason, once the leader has had 0 subscriptions for the grace period', async () => {
    const known = new Map<string, Instrument>();
    const l = await leader(open, ['NSE:SBIN-EQ'], known);
    await jest.advanceTimersByTimeAsync(EMPTY_FEED_GRACE_MS - 3_000);
    // Within the grace period (the watchlist may still be resolving): up.
    expect(l.status()).toMatchObject({ subscribed: 0, wanted: 1, emptySince: open });
    expect((await l.h.check(Date.now())).up).toBe(true);
    await jest.advanceTimersByTimeAsync(5_000);
    const r = await l.h.check(Date.now());
    expect(r).toMatchObject({
      up: false,
      details: {
        leader: 'leader-1',
        subscribed: 0,
        wanted: 1,
        reason: 'feed leader with 0 subscriptions for 12 s',
      },
    });
    // The instrument becomes known: the next reconcile subscribes it and the check is up again.
    known.set(SBIN.symbol, SBIN);
    await l.feed.reconcile();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(l.subscribed).toEqual(new Set(['NSE:SBIN-EQ']));
    expect(l.status()).toMatchObject({ subscribed: 1, emptySince: null });
    expect((await l.h.check(Date.now())).up).toBe(true);
    await l.feed.deactivate();
  });

  it('flags it outside market hours too (the watchlist must be subscribed before the open)', async () => {
    const l = await leader(saturday, ['NSE:NOPE-EQ'], new Map());
    await jest.advanceTimersByTimeAsync(EMPTY_FEED_GRACE_MS + 1_000);
    expect(await l.h.check(Date.now())).toMatchObject({
      up: false,
      details: {
        marketOpen: false,
        reason: expect.stringMatching(/^feed leader with 0 subscriptions for 1[01] s$/),
      },
    });
    await l.feed.deactivate();
  });

  it('does not flag an intentionally empty watchlist with no demand', async () => {
    const l = await leader(open, [], new Map());
    await jest.advanceTimersByTimeAsync(EMPTY_FEED_GRACE_MS * 3);
    expect(l.status()).toMatchObject({ subscribed: 0, wanted: 0, emptySince: null });
    expect((await l.h.check(Date.now())).up).toBe(true);
    await l.feed.deactivate();
  });

  it('does not flag a process that is not the leader, nor a status from a leader of an older version', async () => {
    const known = new Map([[SBIN.symbol, SBIN]]);
    const l = await leader(open, ['NSE:SBIN-EQ'], known);
    await l.feed.deactivate(); // lost the lock: a standby with 0 subscriptions publishes nothing
    const published = l.status();
    await jest.advanceTimersByTimeAsync(EMPTY_FEED_GRACE_MS * 3);
    expect(l.status()).toBe(published);
    expect(l.feed.subscribedSymbols()).toEqual([]);
    // A fresh status without the new fields (rolling upgrade) is judged as before.
    const old = { leader: 'a', subscribed: 0, stale: [], at: open - 1000 };
    expect((await health(old).h.check(open)).up).toBe(true);
  });
});
