import { Injectable } from '@nestjs/common';
import { RedisKeys } from '@/redis/redis.module';

/** Every Redis key and channel market data uses, under REDIS_PREFIX. */
@Injectable()
export class MarketDataKeys {
  constructor(private readonly keys: RedisKeys) {}
  tick(symbol: string): string {
    return this.keys.key('md', 'tick', symbol);
  }
  get ticksChannel(): string {
    return this.keys.key('md', 'ticks');
  }
  get candlesChannel(): string {
    return this.keys.key('md', 'candles');
  }
  get privateChannel(): string {
    return this.keys.key('md', 'private');
  }
  get demandPrefix(): string {
    return this.keys.key('md', 'demand');
  }
  get demandChanged(): string {
    return this.keys.key('md', 'demand-changed');
  }
  get feedLock(): string {
    return this.keys.key('md', 'feed-lock');
  }
  get feedStatus(): string {
    return this.keys.key('md', 'feed-status');
  }
  get candleRate(): string {
    return this.keys.key('md', 'rate', 'getCandleData');
  }
}
