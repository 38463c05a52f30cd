import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BullModule } from '@nestjs/bull';
import { DataSource } from 'typeorm';
import { InstrumentCatalog } from '@/broker/instruments/instrument-catalog';
import { AppConfig } from '@/config/app-config';
import { QUEUES } from '@/queues/queue.constants';
import { MarketDataController } from './api/market-data.controller';
import { MarketDataService } from './api/market-data.service';
import { BackfillProcessor } from './backfill/backfill.processor';
import { createMarketCalendar } from './calendar/always-open-calendar';
import { MarketCalendar } from './calendar/market-calendar';
import { FeedHealth } from './feed/feed-health';
import { FeedRunner } from './feed/feed.runner';
import { MarketDemand } from './feed/market-demand';
import { CatalogInstrumentDirectory } from './instruments/catalog-directory';
import { InstrumentDirectory } from './instruments/instrument-directory';
import { MarketDataKeys } from './market-data.keys';
import { CandleStore } from './storage/candle-store';
import { MarketGateway } from './ws/market.gateway';
import { PrivateEventsBridge } from './ws/private-events.bridge';

const CSV_BODY_LIMIT = 50 * 1024 * 1024;

/**
 * Market data: calendar, feed (role `feed`), candles, history, REST and the `/ws` gateway (role `api`),
 * backfill jobs (role `worker`). Exports the calendar, the instrument directory, the candle store and the
 * feed runner (whose `service` exposes forming candles and stale flags in the leader process).
 */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.backfill })],
  controllers: [MarketDataController],
  providers: [
    // NSE sessions, or around the clock against an always-open simulator (SIM_MARKET_HOURS=always).
    { provide: MarketCalendar, inject: [AppConfig], useFactory: createMarketCalendar },
    { provide: CandleStore, inject: [DataSource], useFactory: (ds: DataSource) => new CandleStore(ds) },
    {
      provide: InstrumentDirectory,
      inject: [DataSource],
      useFactory: (ds: DataSource) =>
        new CatalogInstrumentDirectory(new InstrumentCatalog(ds, new Logger('Instruments'))),
    },
    MarketDataKeys,
    MarketDataService,
    FeedRunner,
    MarketDemand,
    FeedHealth,
    BackfillProcessor,
    MarketGateway,
    PrivateEventsBridge,
  ],
  exports: [MarketCalendar, InstrumentDirectory, CandleStore, FeedRunner, MarketDemand, MarketDataService],
})
export class MarketDataModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** The candle import route takes a raw CSV body; Fastify parses only JSON and text/plain by default. */
  onModuleInit(): void {
    type CsvParser = (req: unknown, body: string, done: (e: Error | null, b?: string) => void) => void;
    type Fastify = {
      hasContentTypeParser?: (t: string) => boolean;
      addContentTypeParser?: (t: string, o: object, p: CsvParser) => void;
    };
    const app = this.adapterHost.httpAdapter?.getInstance<Fastify>();
    if (!app?.addContentTypeParser || app.hasContentTypeParser?.('text/csv')) return;
    app.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
  }
}
