import {
  Global,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Clock } from '@/common/clock';
import { EventBus } from '@/common/event-bus';
import { AppConfig } from '@/config/app-config';
import { REDIS, RedisKeys } from '@/redis/redis.module';
import { SystemMetricsService } from './system-metrics.service';
import { AlertService } from './alert.service';
import { AlertStore } from './alert-store';
import type { AlertChannel } from './alert.types';
import { AlertsController } from './alerts.controller';
import { RedisDedupClaim } from './redis-dedup';
import { subscribeRiskAlerts } from './risk-alerts';
import { TelegramChannel } from './telegram.channel';
import { TypeormAlertStore } from './typeorm-alert-store';
import { WebhookChannel } from './webhook.channel';

/** The channels the environment configures: ALERT_WEBHOOK_URL (+ _SECRET), TELEGRAM_BOT_TOKEN + TELEGRAM_CHAT_ID. */
export function channelsFromConfig(config: AppConfig): AlertChannel[] {
  const env = config.env;
  const channels: AlertChannel[] = [];
  if (env.ALERT_WEBHOOK_URL)
    channels.push(new WebhookChannel({ url: env.ALERT_WEBHOOK_URL, secret: env.ALERT_WEBHOOK_SECRET }));
  if (env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_CHAT_ID) {
    channels.push(
      new TelegramChannel({
        botToken: env.TELEGRAM_BOT_TOKEN,
        chatId: env.TELEGRAM_CHAT_ID,
        baseUrl: env.TELEGRAM_API_URL,
      }),
    );
  }
  return channels;
}

@Injectable()
class AlertsLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  private unsubscribe?: () => void;

  constructor(
    private readonly alerts: AlertService,
    private readonly bus: EventBus,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = subscribeRiskAlerts(this.bus, this.alerts);
    const names = this.alerts.channelNames;
    this.logger.log(
      names.length
        ? `alert channels: ${names.join(', ')}`
        : 'no alert channel configured: alerts are only logged and kept in history',
    );
    if (this.config.env.ALERT_WEBHOOK_URL && !this.config.env.ALERT_WEBHOOK_SECRET) {
      this.logger.warn('ALERT_WEBHOOK_URL is set without ALERT_WEBHOOK_SECRET: webhook alerts go unsigned');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.alerts.drain();
  }
}

/**
 * In-app alerting (AlertService, history, GET /alerts, risk.state subscription) and the system metrics
 * sampler. Global, so any module can inject AlertService and call `raise`.
 */
@Global()
@Module({
  controllers: [AlertsController],
  providers: [
    { provide: AlertStore, inject: [DataSource], useFactory: (ds: DataSource) => new TypeormAlertStore(ds) },
    {
      provide: AlertService,
      inject: [AppConfig, AlertStore, Clock, REDIS, RedisKeys],
      useFactory: (config: AppConfig, store: AlertStore, clock: Clock, redis: Redis, keys: RedisKeys) =>
        new AlertService({
          channels: channelsFromConfig(config),
          store,
          clock,
          dedup: new RedisDedupClaim(redis, keys.prefix),
          logger: new Logger('Alerts'),
        }),
    },
    AlertsLifecycle,
    SystemMetricsService,
  ],
  exports: [AlertService, AlertStore],
})
export class AlertsModule {}
