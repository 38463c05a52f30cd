import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { StrategyRegistry } from '@/strategies/registry';
import { StrategiesController } from './strategies.controller';
import { StrategiesService } from './strategies.service';
import { StrategyEngineHost } from './strategy-engine.host';

/**
 * Strategy types, instances and the engine. The registry holds the built-ins and the modules in
 * STRATEGIES_DIR (load failures are kept for GET /strategies/types, never fatal); the engine host runs
 * in the `feed` role; the REST API in every role that serves HTTP.
 */
@Module({
  controllers: [StrategiesController],
  providers: [
    {
      provide: StrategyRegistry,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const registry = StrategyRegistry.withBuiltins();
        const dir = config.env.STRATEGIES_DIR;
        if (dir) {
          const { loaded } = registry.loadDirectory(dir);
          if (loaded.length)
            new Logger('StrategyRegistry').log(`loaded user strategies from ${dir}: ${loaded.join(', ')}`);
        }
        return registry;
      },
    },
    StrategiesService,
    StrategyEngineHost,
  ],
  exports: [StrategyRegistry, StrategiesService, StrategyEngineHost],
})
export class StrategiesModule {}
