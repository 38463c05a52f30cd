import type Redis from 'ioredis';
import type { Tick } from '@/domain/market';

/**
 * The latest tick per instrument in Redis (for every `api` instance and for quotes) and the pub/sub
 * fan-out of ticks. Writes are coalesced: `put` keeps only the newest tick per symbol and `flush`
 * (every ~50 ms) sends one pipeline of SETs and ONE publish of the batch, so Redis sees a bounded
 * message rate however fast the feed runs.
 */
export class TickCache {
  private readonly pending = new Map<string, Tick>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keyOf: (symbol: string) => string,
    readonly channel: string,
    private readonly flushMs = 50,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch(() => undefined), this.flushMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  put(tick: Tick): void {
    this.pending.set(tick.symbol, tick);
  }

  async flush(): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = [...this.pending.values()];
    this.pending.clear();
    const p = this.redis.pipeline();
    for (const t of batch) p.set(this.keyOf(t.symbol), JSON.stringify(t));
    p.publish(this.channel, JSON.stringify(batch));
    await p.exec();
    return batch.length;
  }

  async get(symbols: string[]): Promise<Map<string, Tick>> {
    const out = new Map<string, Tick>();
    if (symbols.length === 0) return out;
    const vals = await this.redis.mget(...symbols.map((s) => this.keyOf(s)));
    vals.forEach((v, i) => v && out.set(symbols[i], JSON.parse(v) as Tick));
    return out;
  }

  /** Subscribes a dedicated connection (ioredis needs one per subscriber) to the tick batches. */
  static async subscribe(sub: Redis, channel: string, handler: (ticks: Tick[]) => void): Promise<void> {
    sub.on('message', (ch: string, msg: string) => {
      if (ch !== channel) return;
      try {
        handler(JSON.parse(msg) as Tick[]);
      } catch {
        // A malformed batch is dropped; the next one carries fresh ticks.
      }
    });
    await sub.subscribe(channel);
  }
}
