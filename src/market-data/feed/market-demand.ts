import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@/redis/redis.module';
import { MarketDataKeys } from '@/market-data/market-data.keys';
import { DemandRegistry } from './demand-registry';

const TTL_MS = 30_000;

/**
 * What a module needs from the feed, from any process: `need('strategy:sma-1', ['NSE:SBIN-EQ'])` makes
 * the feed leader subscribe those instruments (and keeps them while this process lives, refreshing every
 * 10 s); `release` gives them up. The feed unsubscribes whatever no source needs any more.
 */
@Injectable()
export class MarketDemand implements OnModuleDestroy {
  private readonly logger = new Logger(MarketDemand.name);
  private readonly sources = new Map<string, string[]>();
  private readonly registry: DemandRegistry;
  private readonly timer: NodeJS.Timeout;

  constructor(@Inject(REDIS) redis: Redis, keys: MarketDataKeys) {
    this.registry = new DemandRegistry(redis, keys.demandPrefix, keys.demandChanged);
    this.timer = setInterval(() => void this.refreshAll(), TTL_MS / 3);
    this.timer.unref();
  }

  async need(source: string, symbols: readonly string[]): Promise<void> {
    this.sources.set(source, [...symbols]);
    await this.registry.set(source, symbols, TTL_MS);
  }

  async release(source: string): Promise<void> {
    this.sources.delete(source);
    await this.registry.clear(source);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.sources.keys()].map((s) => this.registry.clear(s).catch(() => undefined)));
  }

  private async refreshAll(): Promise<void> {
    for (const [source, symbols] of this.sources) {
      await this.registry
        .set(source, symbols, TTL_MS)
        .catch((e: Error) => this.logger.warn(`demand ${source}: ${e.message}`));
    }
  }
}
