import type Redis from 'ioredis';
import { SEVERITY_RANK, type AlertSeverity } from './alert.types';
import type { DedupClaim } from './alert.service';

/**
 * De-duplication shared by every process of the deployment (api, worker and feed may all see the same
 * condition): the first to `SET NX` the key for a severity delivers. Per-severity keys let an escalation
 * through while the lower severity is still in its window.
 */
const SEVERITIES: AlertSeverity[] = ['info', 'warning', 'critical'];

export class RedisDedupClaim implements DedupClaim {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(key: string, severity: AlertSeverity, windowMs: number): Promise<boolean> {
    // a lower or equal severity inside the window of a higher one is a duplicate too
    const higher = SEVERITIES.filter((s) => SEVERITY_RANK[s] > SEVERITY_RANK[severity]).map((s) =>
      this.redisKey(key, s),
    );
    if (higher.length > 0 && (await this.redis.exists(...higher)) > 0) return false;
    const ok = await this.redis.set(
      this.redisKey(key, severity),
      '1',
      'PX',
      Math.max(1, Math.round(windowMs)),
      'NX',
    );
    return ok === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.redis.del(
      this.redisKey(key, 'info'),
      this.redisKey(key, 'warning'),
      this.redisKey(key, 'critical'),
    );
  }

  private redisKey(key: string, severity: AlertSeverity): string {
    return `${this.prefix}:alerts:dedup:${key}:${severity}`;
  }
}
