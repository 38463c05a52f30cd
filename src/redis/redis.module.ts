import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';
import { AppConfig } from '@/config/app-config';

export const REDIS = Symbol('REDIS');

/** ioredis options from REDIS_URL: retry for ever with capped backoff, fail commands fast while down. */
export function redisOptions(url: string): RedisOptions & { url: string } {
  return {
    url,
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 5000),
  };
}

export function createRedis(url: string, extra: RedisOptions = {}): Redis {
  const { url: u, ...opts } = redisOptions(url);
  return new Redis(u, { ...opts, ...extra });
}

/** Applies REDIS_PREFIX to every key the app uses, so parallel runs never collide. */
@Injectable()
export class RedisKeys {
  readonly prefix: string;
  constructor(config: AppConfig) {
    this.prefix = config.env.REDIS_PREFIX;
  }
  key(...parts: (string | number)[]): string {
    return [this.prefix, ...parts].join(':');
  }
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    let down = false;
    redis.on('error', (err: Error) => {
      if (!down) this.logger.warn(`Redis unavailable (${err.message}); retrying with backoff`);
      down = true;
    });
    redis.on('ready', () => {
      if (down) this.logger.log('Redis connection restored');
      down = false;
    });
  }
  async onApplicationShutdown(): Promise<void> {
    // quit() waits for a reply that never comes while Redis is down; then just drop the socket.
    if (this.redis.status !== 'ready') return this.redis.disconnect();
    await Promise.race([this.redis.quit(), new Promise((r) => setTimeout(r, 2000))]).catch(() => undefined);
    this.redis.disconnect();
  }
}

@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [AppConfig], useFactory: (c: AppConfig) => createRedis(c.env.REDIS_URL) },
    RedisKeys,
    RedisLifecycle,
  ],
  exports: [REDIS, RedisKeys],
})
export class RedisModule {}
