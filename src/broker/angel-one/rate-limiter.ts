/**
 * Client-side token buckets mirroring SmartAPI's per-endpoint limits (§7.1), so the platform never
 * earns the broker's "exceeding access rate" answer. Waiters queue per lane (one per endpoint: placeOrder,
 * modifyOrder and cancelOrder each have their own 20/s, 500/min, 1000/h); within a lane exits
 * (`priority: 'high'`) are served before entries. Placements and modifies also pass a per-exchange-segment
 * egress cap (`ORDER_RATE_LIMIT_PER_SEC`, under SEBI's 10/s for unregistered algos); cancels do not (the
 * gateway passes no segment for them): they reduce risk and never wait behind placements. A waiter that
 * would wait longer than `maxWaitMs` is refused with a `rate_limited` BrokerError: nothing was sent.
 */
import { BrokerError } from '@/broker/broker.errors';
import { gauge } from '@/monitoring/metrics';
import type { RouteDef } from './routes';

const headroomGauge = gauge({
  name: 'trading_bot_broker_rate_limit_headroom',
  help: 'Requests still allowed now in each client-side broker rate-limit bucket',
  labelNames: ['endpoint', 'window'] as const,
});

type WindowName = 'second' | 'minute' | 'hour';
const WINDOW_MS: Record<WindowName, number> = { second: 1000, minute: 60_000, hour: 3_600_000 };

class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly label: string,
    readonly window: WindowName,
    readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }
  refill(now: number): void {
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / WINDOW_MS[this.window]);
      this.last = now;
    }
  }
  available(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1;
  }
  /** ms until one token is available. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * WINDOW_MS[this.window]) / this.capacity);
  }
  take(): void {
    this.tokens -= 1;
    headroomGauge.set({ endpoint: this.label, window: this.window }, Math.floor(this.tokens));
  }
  headroom(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }
}

interface Waiter {
  buckets: TokenBucket[];
  /** The first `routeCount` buckets are the lane's own (shared by every waiter in the queue). */
  routeCount: number;
  high: boolean;
  seq: number;
  deadline: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export interface RateLimiterOptions {
  /** Orders per second per exchange segment (NSE, NFO...). */
  orderRatePerSec: number;
  maxWaitMs?: number;
  now?: () => number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket[]>();
  private readonly queues = new Map<string, Waiter[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly now: () => number;
  private seq = 0;

  constructor(private readonly opts: RateLimiterOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Resolves when the call may be sent. `segment` applies the order egress cap (order lane only). */
  acquire(route: RouteDef, opts: { priority?: 'high' | 'normal'; segment?: string } = {}): Promise<void> {
    const now = this.now();
    const buckets = [...this.routeBuckets(route, now)];
    const routeCount = buckets.length;
    if (opts.segment) buckets.push(this.segmentBucket(opts.segment, now));
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(route.lane) ?? [];
      this.queues.set(route.lane, queue);
      queue.push({
        buckets,
        routeCount,
        high: opts.priority === 'high',
        seq: this.seq++,
        deadline: now + (this.opts.maxWaitMs ?? 10_000),
        resolve,
        reject,
      });
      // High priority first, then arrival order.
      queue.sort((a, b) => (a.high === b.high ? a.seq - b.seq : a.high ? -1 : 1));
      this.pump(route.lane);
    });
  }

  /** Current headroom of every bucket, for diagnostics and the broker check. */
  headroom(): { endpoint: string; window: string; remaining: number; capacity: number }[] {
    const now = this.now();
    return [...this.buckets.values()].flat().map((b) => ({
      endpoint: b.label,
      window: b.window,
      remaining: b.headroom(now),
      capacity: b.capacity,
    }));
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const q of this.queues.values())
      for (const w of q.splice(0)) w.reject(new BrokerError('rate_limited', 'rateLimiter', 'limiter closed'));
  }

  private pump(lane: string): void {
    const queue = this.queues.get(lane);
    if (!queue) return;
    const existing = this.timers.get(lane);
    if (existing) clearTimeout(existing);
    this.timers.delete(lane);
    const now = this.now();
    let nextWake = Infinity;
    for (let i = 0; i < queue.length;) {
      const w = queue[i];
      if (w.buckets.every((b) => b.available(now))) {
        for (const b of w.buckets) b.take();
        queue.splice(i, 1);
        w.resolve();
        continue;
      }
      const wait = Math.max(...w.buckets.map((b) => b.waitMs(now)));
      if (now + wait > w.deadline) {
        queue.splice(i, 1);
        w.reject(
          new BrokerError(
            'rate_limited',
            w.buckets[0].label,
            `client-side rate limit: would wait ${wait} ms`,
          ),
        );
        continue;
      }
      nextWake = Math.min(nextWake, wait);
      // A waiter blocked on the shared route bucket blocks everyone behind it (priority order holds);
      // one blocked only on its own segment lets later waiters for other segments through.
      if (!w.buckets.slice(0, w.routeCount).every((b) => b.available(now))) break;
      i++;
    }
    if (queue.length > 0 && nextWake < Infinity) {
      const t = setTimeout(() => this.pump(lane), Math.max(1, nextWake));
      t.unref?.();
      this.timers.set(lane, t);
    }
  }

  private routeBuckets(route: RouteDef, now: number): TokenBucket[] {
    let list = this.buckets.get(route.lane);
    if (!list) {
      const l = route.limits;
      list = [];
      if (l.perSecond) list.push(new TokenBucket(route.lane, 'second', l.perSecond, now));
      if (l.perMinute) list.push(new TokenBucket(route.lane, 'minute', l.perMinute, now));
      if (l.perHour) list.push(new TokenBucket(route.lane, 'hour', l.perHour, now));
      this.buckets.set(route.lane, list);
    }
    return list;
  }

  private segmentBucket(segment: string, now: number): TokenBucket {
    const key = `order_egress:${segment}`;
    let list = this.buckets.get(key);
    if (!list) {
      list = [new TokenBucket(key, 'second', this.opts.orderRatePerSec, now)];
      this.buckets.set(key, list);
    }
    return list[0];
  }
}
