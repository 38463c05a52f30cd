import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import type { Tick } from '@/domain/market';
import { MarketDataKeys } from '@/market-data/market-data.keys';
import { createRedis, RedisKeys } from '@/redis/redis.module';
import { EventBus } from './event-bus';
import { EventBusBridge } from './event-bus-bridge';

/** Waits this long at start-up for the subscription before carrying on without it (Redis down). */
const SUBSCRIBE_WAIT_MS = 3_000;

/**
 * Makes every process's EventBus see what the bus of a single all-roles process sees:
 * - the BRIDGED_EVENTS of the other processes, through EventBusBridge on `<REDIS_PREFIX>:bus:events`
 *   (always on, also in an all-roles process, where its own echo is ignored);
 * - `market.tick` in a process without the `feed` role, from the batches the feed leader already
 *   publishes on the market-data tick channel (coalesced, at most one batch per ~50 ms), so risk checks
 *   (last price), marks, trailing stops and P&L work in `api` and `worker` processes too.
 * After the subscriber lost its connection and is subscribed again, the bridge emits the local-only
 * `bus.resynced` (the portfolio then rebuilds its books from the journal if it missed fills).
 * Two dedicated connections: a publisher without offline queue (an event published while Redis is
 * down is dropped for the others, never queued without bound or thrown into the emitter) and a
 * subscriber.
 */
@Injectable()
export class EventBusBridgeService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventBridge');
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  readonly bridge: EventBusBridge;
  readonly channel: string;
  private readonly ticksChannel: string | null;
  private starting: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: EventBus,
    config: AppConfig,
    keys: RedisKeys,
  ) {
    this.channel = keys.key('bus', 'events');
    this.ticksChannel = config.hasRole('feed') ? null : new MarketDataKeys(keys).ticksChannel;
    const url = config.env.REDIS_URL;
    this.publisher = createRedis(url, { enableOfflineQueue: false, connectionName: 'event-bridge-pub' });
    // No ready check on the subscriber: its INFO can land on a connection ioredis already counts as in
    // subscriber mode after a reconnect ("only subscriber commands may be used"), seen under load.
    this.subscriber = createRedis(url, {
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
      connectionName: 'event-bridge-sub',
    });
    // Connection errors are the RedisLifecycle's to report; without a listener ioredis would print them.
    this.publisher.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    this.bridge = new EventBusBridge({
      bus,
      publisher: this.publisher,
      subscriber: this.subscriber,
      channel: this.channel,
      logger: this.logger,
    });
  }

  /** Events emitted from here on are published (those before the publisher is ready are dropped). */
  onModuleInit(): void {
    const started = this.bridge.start();
    if (this.ticksChannel) {
      const ticks = this.ticksChannel;
      this.subscriber.on('message', (channel: string, message: string) => {
        if (channel === ticks) this.relayTicks(message);
      });
      void this.subscriber.subscribe(ticks).catch((err: Error) => {
        this.logger.warn(`cannot subscribe to ticks yet (${err.message}); retrying when Redis is back`);
        this.subscriber.once('ready', () => void this.subscriber.subscribe(ticks).catch(() => undefined));
      });
    }
    this.starting = started;
  }

  /** Remote events reach handlers from here on; waits briefly for the subscription, never for ever. */
  async onApplicationBootstrap(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.starting,
      new Promise<void>((r) => {
        timer = setTimeout(r, SUBSCRIBE_WAIT_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (!this.bridge.isSubscribed)
      this.logger.warn(
        "not subscribed to other processes' events yet (Redis unavailable); will when it is back",
      );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bridge.stop();
    for (const c of [this.subscriber, this.publisher]) {
      if (c.status === 'ready')
        await Promise.race([c.quit(), new Promise((r) => setTimeout(r, 1000))]).catch(() => undefined);
      c.disconnect();
    }
  }

  private relayTicks(message: string): void {
    let batch: Tick[];
    try {
      batch = JSON.parse(message) as Tick[];
    } catch {
      return;
    }
    for (const t of batch) this.bus.deliverRemote('market.tick', t);
  }
}
