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

  /**
   * Records an attempt for the username, and checks the address's recent failures (an address is
   * allowed five times the per-user limit, so one office behind NAT can still log in). Returns the
   * seconds to wait when over a limit, or 0.
   */
  async hit(username: string, ip: string): Promise<number> {
    const limit = this.config.env.LOGIN_THROTTLE_PER_MINUTE;
    const [n, ttl] = await this.count(`user:${username.toLowerCase()}`, 1);
    const [ipFailures, ipTtl] = await this.count(`ip:${ip}`, 0);
    let wait = n > limit ? ttl : 0;
    if (ipFailures >= limit * 5) wait = Math.max(wait, ipTtl);
    return wait;
  }

  async recordFailure(ip: string): Promise<void> {
    await this.count(`ip:${ip}`, 1);
  }

  async reset(username: string): Promise<void> {
    const b = `user:${username.toLowerCase()}`;
    this.local.delete(b);
    await this.redis.del(this.keys.key('login-throttle', b)).catch(() => undefined);
  }

  private async count(bucket: string, by: 0 | 1): Promise<[number, number]> {
    const key = this.keys.key('login-throttle', bucket);
    try {
      const res = await this.redis.multi().incrby(key, by).expire(key, 60, 'NX').ttl(key).exec();
      if (!res) throw new Error('transaction aborted');
      return [Number(res[0][1]), Math.max(1, Number(res[2][1]))];
    } catch {
      const now = Date.now();
      const e = this.local.get(bucket);
      if (!e || e.until <= now) {
        this.local.set(bucket, { n: by, until: now + 60_000 });
        return [by, 60];
      }
      e.n += by;
      return [e.n, Math.ceil((e.until - now) / 1000)];
    }
  }
}
