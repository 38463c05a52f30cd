import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { BullModule } from '@nestjs/bull';
import { availableParallelism } from 'node:os';
import { DataSource } from 'typeorm';
import { CandleStore } from '@/market-data/storage/candle-store';
import { QUEUES } from '@/queues/queue.constants';
import { StrategyRegistry } from '@/strategies/registry';
import { useRegistry } from '@/backtest/backtest-spec';
import { BacktestProcessor } from '@/backtest/backtest.processor';
import { StrandedRunSweep } from '@/backtest/stranded-run-sweep';
import { BacktestRunsService } from '@/backtest/backtest-runs.service';
import { BacktestsController } from '@/backtest/backtests.controller';
import { OptimizationsController } from '@/backtest/optimizations.controller';
import { CandleStoreCandles, StoredCandles } from '@/backtest/nest/candle-source';
import { RunExecutor } from '@/backtest/nest/run-executor';
import { RunStore } from '@/backtest/nest/run-store';

/** Stored ranges above this many bars are refused by the worker (a 1m bar is ~200 bytes in memory). */
const MAX_BARS = 2_000_000;
/** CSV bodies (`POST /backtests/csv`): about 1.5 M one-minute rows. */
const CSV_BODY_LIMIT = 50 * 1024 * 1024;

/**
 * Backtests and optimisations: REST routes (api role) queue runs on the `backtests` queue; the worker
 * role runs them (BacktestProcessor) over stored candles or the user's CSV and stores the results,
 * and fails runs whose queue job Bull gave up on (StrandedRunSweep).
 */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.backtests })],
  controllers: [BacktestsController, OptimizationsController],
  providers: [
    { provide: RunStore, inject: [DataSource], useFactory: (ds: DataSource) => new RunStore(ds) },
    {
      provide: StoredCandles,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new CandleStoreCandles(new CandleStore(ds)),
    },
    {
      provide: RunExecutor,
      inject: [RunStore, StoredCandles],
      useFactory: (store: RunStore, candles: StoredCandles) => {
        const log = new Logger('BacktestRun');
        return new RunExecutor({
          store,
          candles,
          // Leave a core for the process's own event loop (API, queue locks).
          workers: Math.max(1, availableParallelism() - 1),
          maxBars: MAX_BARS,
          onError: (id, err) => log.error(`run ${id} failed`, err instanceof Error ? err.stack : String(err)),
        });
      },
    },
    BacktestRunsService,
    BacktestProcessor,
    StrandedRunSweep,
  ],
  exports: [BacktestRunsService],
})
export class BacktestModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.shareStrategyRegistry();
    this.acceptCsvBodies();
  }

  /**
   * Backtest the same strategy types the engine runs, user modules from STRATEGIES_DIR included, when
   * the strategies module provides its registry; otherwise the built-ins. (Optimiser worker threads
   * build their own registry and see the built-ins only.)
   */
  private shareStrategyRegistry(): void {
    try {
      useRegistry(this.moduleRef.get(StrategyRegistry, { strict: false }));
    } catch {
      useRegistry();
    }
  }

  /** `POST /backtests/csv` takes a raw CSV body; Fastify parses only JSON and text/plain by default. */
  private acceptCsvBodies(): void {
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
