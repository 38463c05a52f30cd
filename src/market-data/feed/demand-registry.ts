import type Redis from 'ioredis';

/**
 * Who needs which instruments, shared through Redis so the feed leader (in whichever process) sees the
 * union of every api instance's WebSocket clients and every strategy runner. Each source owns one
 * Redis set with a TTL it refreshes, so a crashed process's demand ages out on its own.
 */
export class DemandRegistry {
  constructor(
    private readonly redis: Redis,
    /** Key prefix, e.g. `<REDIS_PREFIX>:md:demand`. */
    private readonly prefix: string,
    private readonly changedChannel: string,
  ) {}

  async set(source: string, symbols: Iterable<string>, ttlMs: number): Promise<void> {
    const key = `${this.prefix}:${source}`;
    const list = [...new Set(symbols)];
    const tx = this.redis.multi().del(key);
    if (list.length) tx.sadd(key, ...list).pexpire(key, ttlMs);
    tx.publish(this.changedChannel, source);
    await tx.exec();
  }

  async clear(source: string): Promise<void> {
    await this.redis.multi().del(`${this.prefix}:${source}`).publish(this.changedChannel, source).exec();
  }

  /** The union over every live source. */
  async union(): Promise<Set<string>> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:*`, 'COUNT', 200);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return new Set(keys.length ? await this.redis.sunion(...keys) : []);
  }
}
