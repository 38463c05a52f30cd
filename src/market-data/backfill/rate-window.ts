import type Redis from 'ioredis';

export interface RateWindow {
  /** Milliseconds to wait before a request may go (0: take the slot now, it is recorded). */
  tryAcquire(now: number): Promise<number>;
}

export interface RateRule {
  limit: number;
  windowMs: number;
}

/** getCandleData: 3 per second and an effective 180 per minute (smartapi-protocol §7.1). */
export const CANDLE_RATE_RULES: readonly RateRule[] = [
  { limit: 3, windowMs: 1000 },
  { limit: 180, windowMs: 60_000 },
];

/** Sliding windows in memory: one process, tests and the benchmark. */
export class MemoryRateWindow implements RateWindow {
  private readonly stamps: number[] = [];
  constructor(private readonly rules: readonly RateRule[] = CANDLE_RATE_RULES) {}

  async tryAcquire(now: number): Promise<number> {
    const longest = Math.max(...this.rules.map((r) => r.windowMs));
    while (this.stamps.length && this.stamps[0] <= now - longest) this.stamps.shift();
    let wait = 0;
    for (const r of this.rules) {
      const inWindow = this.stamps.filter((s) => s > now - r.windowMs);
      if (inWindow.length >= r.limit)
        wait = Math.max(wait, inWindow[inWindow.length - r.limit] + r.windowMs - now);
    }
    if (wait > 0) return wait;
    this.stamps.push(now);
    return 0;
  }
}

/*
 * The same sliding windows in one Redis sorted set, checked and recorded atomically, so every worker
 * process shares the broker's per-client limit. ARGV: now, member, then (limit, windowMs) pairs.
 */
const SCRIPT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local longest = 0
for i = 3, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i + 1])) end
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - longest)
local wait = 0
for i = 3, #ARGV, 2 do
  local limit = tonumber(ARGV[i]); local win = tonumber(ARGV[i + 1])
  local inwin = redis.call('ZRANGEBYSCORE', key, '(' .. (now - win), '+inf')
  if #inwin >= limit then
    local oldest = tonumber(redis.call('ZSCORE', key, inwin[#inwin - limit + 1]))
    wait = math.max(wait, oldest + win - now)
  end
end
if wait > 0 then return wait end
redis.call('ZADD', key, now, ARGV[2])
redis.call('PEXPIRE', key, longest)
return 0
`;

export class RedisRateWindow implements RateWindow {
  private seq = 0;
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly rules: readonly RateRule[] = CANDLE_RATE_RULES,
  ) {}

  async tryAcquire(now: number): Promise<number> {
    const member = `${now}:${process.pid}:${this.seq++}:${Math.random().toString(36).slice(2, 8)}`;
    const args = this.rules.flatMap((r) => [r.limit, r.windowMs]);
    const wait = await this.redis.eval(SCRIPT, 1, this.key, now, member, ...args);
    return Math.max(0, Number(wait));
  }
}
