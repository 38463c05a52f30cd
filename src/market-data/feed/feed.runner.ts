import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BrokerGateway } from '@/broker/broker-gateway';
import { EventBus } from '@/common/event-bus';
import { AppConfig } from '@/config/app-config';
import { createRedis, REDIS } from '@/redis/redis.module';
import { MarketCalendar } from '@/market-data/calendar/market-calendar';
import { InstrumentDirectory } from '@/market-data/instruments/instrument-directory';
import { MarketDataKeys } from '@/market-data/market-data.keys';
import { CandleStore } from '@/market-data/storage/candle-store';
import { DemandRegistry } from './demand-registry';
import { FeedLock } from './feed-lock';
import { FeedService } from './feed-service';
import { TickCache } from './tick-cache';

/**
 * The `feed` role: competes for the feed lock and, while holding it, runs the FeedService. A standby
 * takes over within the lock TTL (5 s) of the holder dying. Demand changes are pushed over pub/sub and
 * also polled, so a missed message costs at most a few seconds.
 */
@Injectable()
export class FeedRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MarketFeed');
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private lock: FeedLock | null = null;
  private feed: FeedService | null = null;
  private sub: Redis | null = null;
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly bus: EventBus,
    private readonly calendar: MarketCalendar,
    private readonly instruments: InstrumentDirectory,
    private readonly store: CandleStore,
    private readonly keys: MarketDataKeys,
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() private readonly broker?: BrokerGateway,
  ) {}

  /** The running feed service in this process (null unless this process is the leader). */
  get service(): FeedService | null {
    return this.feed?.isActive ? this.feed : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.hasRole('feed')) return;
    if (!this.broker) {
      this.logger.warn('feed role without a BrokerGateway: no market data will flow');
      return;
    }
    const cache = new TickCache(this.redis, (s) => this.keys.tick(s), this.keys.ticksChannel);
    const demand = new DemandRegistry(this.redis, this.keys.demandPrefix, this.keys.demandChanged);
    const feed = new FeedService({
      gateway: this.broker,
      instruments: this.instruments,
      bus: this.bus,
      calendar: this.calendar,
      cache,
      demand,
      storeCandles: async (c) => void (await this.store.save(c, 'ticks', 'overwrite')),
      publishCandles: async (c) =>
        void (await this.redis.publish(this.keys.candlesChannel, JSON.stringify(c))),
      publishStatus: async (s) =>
        void (await this.redis.set(this.keys.feedStatus, JSON.stringify(s), 'PX', 10_000)),
      now: () => Date.now(),
      watchlist: this.config.watchlist,
      staleMs: this.config.env.STALE_TICK_SECONDS * 1000,
      id: this.id,
      log: (level, msg) => this.logger[level](msg),
    });
    this.feed = feed;
    this.lock = new FeedLock(this.redis, this.keys.feedLock, this.id, {
      ttlMs: 5000,
      onAcquired: () => {
        this.logger.log(`holding the broker feed (${this.id})`);
        cache.start();
        feed.activate().catch((e: Error) => {
          this.logger.error(`feed activation failed: ${e.message}`);
          // Give the feed up so a standby (or this process, after a pause) can try again.
          void this.lock?.stop().then(() => setTimeout(() => void this.lock?.start(), 5000).unref());
        });
      },
      onLost: () => {
        this.logger.warn('lost the feed lock: standing by');
        cache.stop();
        void feed.deactivate().catch((e: Error) => this.logger.error(`feed deactivation: ${e.message}`));
      },
      onError: (e) => this.logger.warn(`feed lock: ${e.message}`),
    });
    this.sub = createRedis(this.config.env.REDIS_URL);
    this.sub.on('message', () => void feed.reconcile().catch(() => undefined));
    await this.sub.subscribe(this.keys.demandChanged);
    this.poll = setInterval(
      () => void (feed.isActive ? feed.reconcile().catch(() => undefined) : undefined),
      5000,
    );
    this.poll.unref();
    await this.lock.start();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    await this.feed?.deactivate().catch(() => undefined);
    await this.lock?.stop();
    this.sub?.disconnect();
  }
}
