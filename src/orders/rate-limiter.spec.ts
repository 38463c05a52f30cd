import { ManualClock } from '@/common/clock';
import { SlidingWindowLimiter } from './rate-limiter';

describe('SlidingWindowLimiter', () => {
  it('grants at most N in any rolling window, in FIFO order, by waiting rather than refusing', async () => {
    const clock = new ManualClock(0);
    const grants: number[] = [];
    const limiter = new SlidingWindowLimiter(3, clock, async (ms) => clock.advance(ms));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => limiter.acquire().then(() => grants.push(clock.now() * 100 + i))),
    );
    const times = grants.map((g) => Math.floor(g / 100));
    expect(grants.map((g) => g % 100)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const t of times) expect(times.filter((x) => x >= t && x < t + 1000).length).toBeLessThanOrEqual(3);
    expect(times[9]).toBeGreaterThanOrEqual(3000);
  });
});
