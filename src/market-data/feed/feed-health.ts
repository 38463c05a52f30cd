import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { HealthRegistry } from '@/health/health-registry';
import { REDIS } from '@/redis/redis.module';
import { MarketCalendar } from '@/market-data/calendar/market-calendar';
import { MarketDataKeys } from '@/market-data/market-data.keys';
import type { FeedStatus } from './feed-service';

/** How long the feed leader may sit connected with a non-empty target and nothing subscribed. */
export const EMPTY_FEED_GRACE_MS = 10_000;

/**
 * `/health/ready` entry `market-feed` (non-critical: reported as degraded, never takes the API out of
 * rotation). Down while the equity market is open and either no process holds the feed (no fresh
 * status) or some subscribed instrument is stale; and, at any hour, while the feed leader has been
 * connected for longer than EMPTY_FEED_GRACE_MS with instruments to subscribe (watchlist or demand) but
 * none subscribed. Any instance answers from the leader's status in Redis.
 */
@Injectable()
export class FeedHealth implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly calendar: MarketCalendar,
    private readonly keys: MarketDataKeys,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    this.registry.register('market-feed', () => this.check(Date.now()), { critical: false });
  }

  async check(now: number): Promise<{ up: boolean; details: Record<string, unknown> }> {
    const marketOpen = this.calendar.isOpen('equity', now);
    const raw = await this.redis.get(this.keys.feedStatus);
    const status = raw ? (JSON.parse(raw) as FeedStatus) : null;
    const fresh = status !== null && now - status.at < 10_000;
    if (
      fresh &&
      status.subscribed === 0 &&
      (status.wanted ?? 0) > 0 &&
      typeof status.emptySince === 'number' &&
      now - status.emptySince >= EMPTY_FEED_GRACE_MS
    )
      return {
        up: false,
        details: {
          marketOpen,
          leader: status.leader,
          subscribed: 0,
          wanted: status.wanted,
          reason: `feed leader with 0 subscriptions for ${Math.round((now - status.emptySince) / 1000)} s`,
        },
      };
    if (!marketOpen) return { up: true, details: { marketOpen, leader: status?.leader ?? null } };
    if (!fresh)
      return {
        up: false,
        details: {
          marketOpen,
          reason: 'no process holds the broker feed',
          staleTickSeconds: this.config.env.STALE_TICK_SECONDS,
        },
      };
    return {
      up: status.stale.length === 0,
      details: {
        marketOpen,
        leader: status.leader,
        subscribed: status.subscribed,
        stale: status.stale.slice(0, 20),
        staleCount: status.stale.length,
      },
    };
  }
}
