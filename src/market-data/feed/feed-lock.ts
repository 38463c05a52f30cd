import type Redis from 'ioredis';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface FeedLockOptions {
  /** The lock lives this long without renewal: the standby takes over at most this long after a crash. */
  ttlMs?: number;
  /** How often the holder renews and a standby retries (default ttl / 3). */
  intervalMs?: number;
  onAcquired: () => void;
  onLost: () => void;
  onError?: (err: Error) => void;
}

/**
 * Leader election for the broker feed through one Redis key: `SET NX PX` to take it, a compare-and-
 * renew script to keep it, compare-and-delete to give it up. A holder that cannot renew (Redis down,
 * process paused past the TTL) steps down at once, so two holders never feed at the same time for
 * longer than one renewal interval.
 */
export class FeedLock {
  private timer: NodeJS.Timeout | null = null;
  private held = false;
  private busy = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    readonly id: string,
    private readonly opts: FeedLockOptions,
  ) {}

  get isLeader(): boolean {
    return this.held;
  }

  private get ttl(): number {
    return this.opts.ttlMs ?? 5000;
  }

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? Math.floor(this.ttl / 3));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.held) {
      this.setHeld(false);
      await this.redis.eval(RELEASE, 1, this.key, this.id).catch(() => undefined);
    }
  }

  /** Who holds the feed now (any process), or null. */
  async holder(): Promise<string | null> {
    return this.redis.get(this.key);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (this.held) {
        const ok = Number(await this.redis.eval(RENEW, 1, this.key, this.id, this.ttl));
        if (!ok) this.setHeld(false);
      } else {
        const ok = await this.redis.set(this.key, this.id, 'PX', this.ttl, 'NX');
        if (ok === 'OK') this.setHeld(true);
      }
    } catch (err) {
      if (this.held) this.setHeld(false);
      this.opts.onError?.(err as Error);
    } finally {
      this.busy = false;
    }
  }

  private setHeld(v: boolean): void {
    if (this.held === v) return;
    this.held = v;
    if (v) this.opts.onAcquired();
    else this.opts.onLost();
  }
}
