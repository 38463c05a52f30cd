import type { Clock } from '@/common/clock';

/**
 * SmartAPI's limit on each of placeOrder, modifyOrder and cancelOrder (protocol §7.1: 20/s per endpoint).
 * `ORDER_RATE_LIMIT_PER_SEC` is the platform's lower placement (SEBI OPS) limit; cancels and modifies
 * are paced at the broker's own per-endpoint limit instead, each on its own limiter.
 */
export const BROKER_WRITE_LIMIT_PER_SEC = 20;

/**
 * The window of the limiters right in front of a broker write: a quarter-second longer than the
 * broker's second, for event-loop and network jitter between our grant and the broker's count (a
 * rate-limit answer to a write is ambiguous, so it must not happen).
 */
export const BROKER_SEND_WINDOW_MS = 1250;

/**
 * At most `perSecond` acquisitions in any rolling second, waiting (FIFO) rather than refusing: orders
 * over the limit are delayed, never dropped. Per process; Bull's queue limiter bounds the fleet.
 */
export class SlidingWindowLimiter {
  private readonly times: number[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** Longer than a second leaves a margin for jitter between here and the broker's clock. */
    private readonly windowMs = 1000,
  ) {}

  acquire(): Promise<void> {
    const turn = this.tail.then(() => this.take());
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<void> {
    if (this.perSecond <= 0) return;
    for (;;) {
      const now = this.clock.now();
      while (this.times.length && now - this.times[0] >= this.windowMs) this.times.shift();
      if (this.times.length < this.perSecond) {
        this.times.push(now);
        return;
      }
      // +1: the window is half-open, the oldest slot frees strictly after a full second.
      await this.sleep(this.times[0] + this.windowMs - now + 1);
    }
  }
}
