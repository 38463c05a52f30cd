import { ManualClock } from '@/common/clock';
import { RATE_LIMITS, RateLimiter } from './rate-limits';

describe('RateLimiter (protocol §7.1 buckets per client code)', () => {
  let clock: ManualClock;
  let limiter: RateLimiter;
  beforeEach(() => {
    clock = new ManualClock(Date.UTC(2026, 0, 5, 4, 0, 0));
    limiter = new RateLimiter(clock);
  });

  const burst = (key: string, route: string, n: number): number => {
    let allowed = 0;
    for (let i = 0; i < n; i++) if (limiter.take(key, route)) allowed++;
    return allowed;
  };

  it('allows 20 placeOrder calls a second and refuses the 21st', () => {
    expect(burst('A', 'placeOrder', 21)).toBe(20);
    clock.advance(1000);
    expect(limiter.take('A', 'placeOrder')).toBe(true);
  });

  it('counts placeOrder, modifyOrder and cancelOrder in separate buckets (20/s each, §7.1)', () => {
    expect(burst('A', 'placeOrder', 25)).toBe(20);
    // Placements spent this second: cancels and modifies still have their own twenty.
    expect(burst('A', 'cancelOrder', 25)).toBe(20);
    expect(burst('A', 'modifyOrder', 25)).toBe(20);
  });

  it('keeps each client code in its own bucket', () => {
    expect(burst('A', 'getOrderBook', 2)).toBe(1);
    expect(burst('B', 'getOrderBook', 2)).toBe(1);
  });

  it('applies the per-minute cap across seconds (candles: 180 effective)', () => {
    let allowed = 0;
    for (let s = 0; s < 60; s++) {
      allowed += burst('A', 'getCandleData', 5);
      clock.advance(1000);
    }
    expect(allowed).toBe(RATE_LIMITS.getCandleData.perMinute);
  });

  it('applies the hourly cap on orders (1000) even when seconds and minutes have room', () => {
    let allowed = 0;
    for (let m = 0; m < 60; m++) {
      for (let s = 0; s < 3; s++) {
        allowed += burst('A', 'placeOrder', 20);
        clock.advance(1000);
      }
      clock.advance(57_000);
    }
    expect(allowed).toBe(1000);
  });

  it('does not count refused calls and ignores routes without a bucket', () => {
    expect(burst('A', 'loginByPassword', 5)).toBe(1);
    clock.advance(1000);
    expect(limiter.take('A', 'loginByPassword')).toBe(true);
    expect(burst('A', 'admin', 100)).toBe(100);
  });
});
