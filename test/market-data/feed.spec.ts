import Redis from 'ioredis';
import type { TickSubscription } from '@/broker/broker.types';
import { EventBus } from '@/common/event-bus';
import type { Candle, Instrument, Tick } from '@/domain/market';
import { MarketCalendar } from '@/market-data/calendar/market-calendar';
import { RedisRateWindow } from '@/market-data/backfill/rate-window';
import { DemandRegistry } from '@/market-data/feed/demand-registry';
import { FeedLock } from '@/market-data/feed/feed-lock';
import { FeedService, type FeedStatus } from '@/market-data/feed/feed-service';
import { StaleMonitor } from '@/market-data/feed/stale-monitor';
import { TickCache } from '@/market-data/feed/tick-cache';
import { testRedisPrefix } from '../support/test-db';

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const inst = (symbol: string, token: string): Instrument => ({
  symbol,
  exchange: 'NSE',
  tradingSymbol: symbol.slice(4),
  token,
  name: symbol,
  instrumentType: 'EQ',
  expiry: null,
  strikePaise: null,
  optionType: null,
  lotSize: 1,
  tickSizePaise: 5,
});
const KNOWN = new Map(
  [inst('NSE:SBIN-EQ', '3045'), inst('NSE:INFY-EQ', '1594'), inst('NSE:TCS-EQ', '11536')].map((i) => [
    i.symbol,
    i,
  ]),
);

class FakeGateway {
  subscribed = new Set<string>();
  handlers: ((t: Tick) => void)[] = [];
  async connect() {}
  subscribeTicks(s: TickSubscription[]) {
    s.forEach((x) => this.subscribed.add(x.instrument.symbol));
  }
  unsubscribeTicks(s: TickSubscription[]) {
    s.forEach((x) => this.subscribed.delete(x.instrument.symbol));
  }
  onTick(h: (t: Tick) => void) {
    this.handlers.push(h);
    return () => (this.handlers = this.handlers.filter((x) => x !== h));
  }
  emit(t: Tick) {
    this.handlers.forEach((h) => h(t));
  }
}

describe('feed leader election, demand, cache and fan-out on real Redis', () => {
  const prefix = testRedisPrefix();
  const conns: Redis[] = [];
  const redis = () => {
    const r = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, retryStrategy: () => null });
    conns.push(r);
    return r;
  };
  afterAll(async () => {
    const r = new Redis('redis://127.0.0.1:6379');
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    await r.quit();
    for (const c of conns) c.disconnect();
  });

  function instance(name: string) {
    const r = redis();
    const gw = new FakeGateway();
    const bus = new EventBus();
    const candles: Candle[] = [];
    const statuses: FeedStatus[] = [];
    const cache = new TickCache(r, (s) => `${prefix}:md:tick:${s}`, `${prefix}:md:ticks`, 20);
    const feed = new FeedService({
      gateway: gw,
      instruments: {
        resolve: async (ss) => new Map(ss.filter((s) => KNOWN.has(s)).map((s) => [s, KNOWN.get(s)!])),
      },
      bus,
      calendar: new MarketCalendar(),
      cache,
      demand: new DemandRegistry(r, `${prefix}:md:demand`, `${prefix}:md:demand-changed`),
      storeCandles: async (c) => void candles.push(...c),
      publishCandles: async () => undefined,
      publishStatus: async (s) => void statuses.push(s),
      now: () => Date.now(),
      watchlist: ['NSE:SBIN-EQ', 'NSE:NOPE-EQ'],
      staleMs: 10_000,
      id: name,
    });
    const lock = new FeedLock(r, `${prefix}:md:feed-lock`, name, {
      ttlMs: 600,
      intervalMs: 150,
      onAcquired: () => void feed.activate().then(() => cache.start()),
      onLost: () => void feed.deactivate().then(() => cache.stop()),
    });
    return { r, gw, bus, feed, lock, cache, candles, statuses };
  }

  it('elects exactly one feed holder and a standby takes over within seconds when it dies', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.lock.start();
    await b.lock.start();
    await until(() => a.feed.isActive);
    await new Promise((r) => setTimeout(r, 400));
    expect(b.feed.isActive).toBe(false);
    expect(a.gw.subscribed).toEqual(new Set(['NSE:SBIN-EQ']));
    expect(b.gw.subscribed.size).toBe(0);

    const died = Date.now();
    a.r.disconnect(); // the holder loses Redis: it must stop feeding, and b must take over after the TTL
    await until(() => !a.feed.isActive && b.feed.isActive, 5000);
    expect(Date.now() - died).toBeLessThan(3000);
    // Taking over and subscribing are two steps; the new holder subscribes right after it becomes active.
    await until(() => b.gw.subscribed.has('NSE:SBIN-EQ'), 3000);
    expect(b.gw.subscribed).toEqual(new Set(['NSE:SBIN-EQ']));
    expect(a.gw.subscribed.size).toBe(0);
    await b.lock.stop();
    expect(await redis().get(`${prefix}:md:feed-lock`)).toBeNull();
  });

  it('subscribes the union of watchlist and demand sources and unsubscribes what nobody needs', async () => {
    const f = instance('f');
    await f.feed.activate();
    const demand = new DemandRegistry(redis(), `${prefix}:md:demand`, `${prefix}:md:demand-changed`);
    await demand.set('api:1', ['NSE:INFY-EQ'], 10_000);
    await demand.set('strategy:sma', ['NSE:INFY-EQ', 'NSE:TCS-EQ'], 10_000);
    await f.feed.reconcile();
    expect(f.gw.subscribed).toEqual(new Set(['NSE:SBIN-EQ', 'NSE:INFY-EQ', 'NSE:TCS-EQ']));
    await demand.clear('strategy:sma');
    await f.feed.reconcile();
    expect(f.gw.subscribed).toEqual(new Set(['NSE:SBIN-EQ', 'NSE:INFY-EQ']));
    await demand.clear('api:1');
    await f.feed.deactivate();
  });

  it('normalises ticks onto the in-process bus, caches the latest in Redis and fans batches out over pub/sub', async () => {
    const f = instance('g');
    await f.feed.activate();
    const local: Tick[] = [];
    f.bus.on('market.tick', (t) => local.push(t));
    const remote: Tick[] = [];
    await TickCache.subscribe(redis(), `${prefix}:md:ticks`, (ts) => remote.push(...ts));
    const now = Date.now();
    const tick: Tick = {
      symbol: 'NSE:SBIN-EQ',
      token: '3045',
      exchange: 'NSE',
      mode: 'SNAP',
      exchangeTime: now - 5,
      receivedAt: 0,
      ltpPaise: 81_000,
      volume: 10,
    };
    f.gw.emit(tick);
    f.gw.emit({ ...tick, ltpPaise: 0 }); // refused by the normaliser
    f.gw.emit({ ...tick, exchangeTime: now - 4, ltpPaise: 81_005, volume: 12 });
    expect(local.map((t) => t.ltpPaise)).toEqual([81_000, 81_005]);
    await f.cache.flush();
    await until(() => remote.length > 0);
    expect(remote.map((t) => t.ltpPaise)).toEqual([81_005]);
    expect((await f.cache.get(['NSE:SBIN-EQ', 'NSE:TCS-EQ'])).get('NSE:SBIN-EQ')!.ltpPaise).toBe(81_005);
    await f.feed.deactivate();
  });

  it('shares the candle rate window across processes through Redis', async () => {
    const w1 = new RedisRateWindow(redis(), `${prefix}:rate:candles`);
    const w2 = new RedisRateWindow(redis(), `${prefix}:rate:candles`);
    const t = 1_000_000;
    expect(await w1.tryAcquire(t)).toBe(0);
    expect(await w2.tryAcquire(t + 10)).toBe(0);
    expect(await w1.tryAcquire(t + 20)).toBe(0);
    expect(await w2.tryAcquire(t + 30)).toBe(970);
  });
});

describe('StaleMonitor', () => {
  const cal = new MarketCalendar();
  const open = Date.parse('2025-06-10T10:00:00+05:30');

  it('marks an instrument stale after STALE_TICK_SECONDS without a tick during market hours, and fresh on the next tick', () => {
    const m = new StaleMonitor(cal, 10_000);
    m.watch('NSE:SBIN-EQ', 'NSE', open);
    m.seen('NSE:SBIN-EQ', open + 1000);
    expect(m.check(open + 10_000).stale).toEqual([]);
    expect(m.check(open + 11_500).stale).toEqual(['NSE:SBIN-EQ']);
    expect(m.isStale('NSE:SBIN-EQ')).toBe(true);
    m.seen('NSE:SBIN-EQ', open + 12_000);
    expect(m.check(open + 12_001).fresh).toEqual(['NSE:SBIN-EQ']);
  });

  it('never marks anything stale while the market is closed (weekend, after hours)', () => {
    const m = new StaleMonitor(cal, 10_000);
    const sat = Date.parse('2025-06-14T11:00:00+05:30');
    m.watch('NSE:SBIN-EQ', 'NSE', sat - 3_600_000);
    expect(m.check(sat).stale).toEqual([]);
    expect(m.check(Date.parse('2025-06-10T16:00:00+05:30')).stale).toEqual([]);
  });
});
