import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import type Redis from 'ioredis';
import { BrokerGateway } from '@/broker/broker-gateway';
import { AppConfig } from '@/config/app-config';
import type { Candle, Instrument, Interval } from '@/domain/market';
import { QUEUES } from '@/queues/queue.constants';
import { REDIS } from '@/redis/redis.module';
import { MarketCalendar, segmentOf } from '@/market-data/calendar/market-calendar';
import { istDate, istTime } from '@/market-data/calendar/ist';
import { mdMetrics } from '@/market-data/market-data.metrics';
import { MarketDataKeys } from '@/market-data/market-data.keys';
import { CandleStore } from '@/market-data/storage/candle-store';
import { runBackfill } from './backfill-runner';
import { RedisRateWindow } from './rate-window';

export interface BackfillJobData {
  instrument: Pick<Instrument, 'symbol' | 'exchange' | 'token'>;
  interval: Interval;
  from: number;
  to: number;
  /** Set while running so a retried job resumes after its last stored chunk. */
  nextChunk?: number;
}

/**
 * The `backfill` queue's handler, run only in processes with the `worker` role. One job at a time per
 * worker; every worker shares the broker's candle limit through one Redis rate window. Safe to run
 * twice: stored candles are never overwritten by a backfill.
 */
@Injectable()
export class BackfillProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(BackfillProcessor.name);

  constructor(
    @InjectQueue(QUEUES.backfill) private readonly queue: Queue<BackfillJobData>,
    private readonly config: AppConfig,
    private readonly store: CandleStore,
    private readonly calendar: MarketCalendar,
    private readonly keys: MarketDataKeys,
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() private readonly broker?: BrokerGateway,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('worker')) return;
    if (!this.broker) {
      this.logger.warn('no BrokerGateway bound: backfill jobs will wait until a worker with a broker runs');
      return;
    }
    void this.queue.process(1, (job: Job<BackfillJobData>) => this.handle(job));
  }

  async handle(job: Job<BackfillJobData>): Promise<{ chunksDone: number; candlesStored: number }> {
    const broker = this.broker!;
    const d = job.data;
    const rate = new RedisRateWindow(this.redis, this.keys.candleRate);
    const res = await runBackfill(
      { instrument: d.instrument, interval: d.interval, from: d.from, to: d.to, startChunk: d.nextChunk },
      {
        fetch: (req) => broker.historicalCandles(req),
        store: (c: Candle[]) => this.store.save(c, 'broker', 'keep'),
        rate,
        now: () => Date.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        normaliseStart: (c) => this.dailyStart(c, d.instrument.exchange),
        onProgress: async (p) => {
          mdMetrics.backfillChunks.inc({ interval: p.interval });
          mdMetrics.backfillProgress.set(
            { interval: p.interval },
            p.chunksTotal ? p.chunksDone / p.chunksTotal : 1,
          );
          await job.update({ ...d, nextChunk: p.chunksDone });
          await job.progress(Math.round((100 * p.chunksDone) / Math.max(1, p.chunksTotal)));
        },
      },
    );
    mdMetrics.backfillCandles.inc({ interval: d.interval }, res.candlesStored);
    this.logger.log(
      `backfill ${d.instrument.symbol} ${d.interval}: ${res.candlesStored} candles stored from ${res.chunksDone} requests`,
    );
    return { chunksDone: res.chunksDone, candlesStored: res.candlesStored };
  }

  /** The broker stamps daily candles at 00:00 IST; the platform's daily candle starts at the session open. */
  private dailyStart(c: Candle, exchange: string): number {
    if (c.interval !== '1d') return c.start;
    const date = istDate(c.start);
    return this.calendar.session(date, segmentOf(exchange))?.open ?? istTime(date, '09:15');
  }
}
