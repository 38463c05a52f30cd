import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { REDIS, RedisKeys } from '@/redis/redis.module';

/**
 * Counts login attempts per username and per client address in one-minute windows. Uses Redis so every
 * instance shares the count; falls back to a per-process count when Redis is unreachable.
 */
@Injectable()
export class LoginThrottle {
  private readonly local = new Map<string, { n: number; until: number }>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  /** Records an attempt; returns the seconds to wait when over the limit, or 0. */
  async hit(username: string, ip: string): Promise<number> {
    const limit = this.config.env.LOGIN_THROTTLE_PER_MINUTE;
    const buckets = [`user:${username.toLowerCase()}`, `ip:${ip}`];
    let wait = 0;
    for (const b of buckets) {
      const [n, ttl] = await this.count(b);
      if (n > limit) wait = Math.max(wait, ttl);
    }
    return wait;
  }

  async reset(username: string): Promise<void> {
    const b = `user:${username.toLowerCase()}`;
    this.local.delete(b);
    await this.redis.del(this.keys.key('login-throttle', b)).catch(() => undefined);
  }

  private async count(bucket: string): Promise<[number, number]> {
    const key = this.keys.key('login-throttle', bucket);
    try {
      const res = await this.redis.multi().incr(key).expire(key, 60, 'NX').ttl(key).exec();
      if (!res) throw new Error('transaction aborted');
      return [Number(res[0][1]), Math.max(1, Number(res[2][1]))];
    } catch {
      const now = Date.now();
      const e = this.local.get(bucket);
      if (!e || e.until <= now) {
        this.local.set(bucket, { n: 1, until: now + 60_000 });
        return [1, 60];
      }
      e.n++;
      return [e.n, Math.ceil((e.until - now) / 1000)];
    }
  }
}
