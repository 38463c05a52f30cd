import type { Clock } from '@/common/clock';

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
