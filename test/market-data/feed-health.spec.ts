import type Redis from 'ioredis';
import type { AppConfig } from '@/config/app-config';
import { HealthRegistry } from '@/health/health-registry';
import { MarketCalendar } from '@/market-data/calendar/market-calendar';
import { FeedHealth } from '@/market-data/feed/feed-health';
import type { MarketDataKeys } from '@/market-data/market-data.keys';

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
