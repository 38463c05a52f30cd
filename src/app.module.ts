import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BullModule } from '@nestjs/bull';
import { ScheduleModule } from '@nestjs/schedule';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@/audit/audit.module';
import { AuthModule } from '@/auth/auth.module';
import { BacktestModule } from '@/backtest/backtest.module';
import { BrokerModule } from '@/broker/broker.module';
import { CommonModule } from '@/common/common.module';
import { AppConfig } from '@/config/app-config';
import { ConfigModule } from '@/config/config.module';
import { DatabaseModule } from '@/database/database.module';
import { HealthModule } from '@/health/health.module';
import { loggerOptions } from '@/monitoring/logging';
import { MonitoringModule } from '@/monitoring/monitoring.module';
import { AlertsModule } from '@/monitoring/alerts/alerts.module';
import { MarketDataModule } from '@/market-data/market-data.module';
import { OrdersModule } from '@/orders/orders.module';
import { RedisModule } from '@/redis/redis.module';
import { RiskModule } from '@/risk/risk.module';
import { StrategiesModule } from '@/strategies/nest/strategies.module';

/**
 * The whole platform. Feature modules are listed in FEATURE_MODULES; each decides from
 * `AppConfig.roles` (api, worker, feed) what it runs in this process.
 */
const FEATURE_MODULES: DynamicModule['imports'] = [
  BrokerModule,
  RiskModule,
  AlertsModule,
  OrdersModule,
  MarketDataModule,
  BacktestModule,
  StrategiesModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        CommonModule,
        DatabaseModule,
        RedisModule,
        BullModule.forRoot({ url: config.env.REDIS_URL, prefix: config.env.REDIS_PREFIX }),
        ScheduleModule.forRoot(),
        ThrottlerModule.forRoot({
          throttlers: [{ ttl: 60_000, limit: config.env.THROTTLE_LIMIT_PER_MINUTE }],
        }),
        AuditModule,
        AuthModule,
        HealthModule,
        MonitoringModule,
        ...(FEATURE_MODULES ?? []),
      ],
      providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
    };
  }
}
