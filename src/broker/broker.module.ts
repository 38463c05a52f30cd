import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@/config/app-config';
import { HealthRegistry } from '@/health/health-registry';
import type Redis from 'ioredis';
import { REDIS, RedisKeys } from '@/redis/redis.module';
import { AngelOneGateway } from './angel-one/angel-one.gateway';
import { CredentialCipher } from './angel-one/session/credential-cipher';
import { TypeOrmSessionStore } from './angel-one/session/session-store';
import { BrokerGateway } from './broker-gateway';
import { BROKER_SETTINGS_READY, type BrokerSettingsReady } from './broker.constants';
import { InstrumentCatalog } from './instruments/instrument-catalog';
import { InstrumentService } from './instruments/instrument.service';
import { createPaperGateway } from './paper/paper-gateway.factory';

/** Connects at boot (without blocking it), reports broker health, and closes sockets on shutdown. */
@Injectable()
class BrokerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('BrokerModule');
  constructor(
    @Inject(AngelOneGateway) private readonly angel: AngelOneGateway,
    private readonly gateway: BrokerGateway,
    private readonly health: HealthRegistry,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const b = this.config.broker;
    if (!b.apiKey || !b.clientCode || !b.pin || !b.totpSecret) {
      // Nothing to log in with (simulated mode before the simulator is wired, or a bare test app).
      this.health.register(
        'broker',
        async () => ({ up: false, details: { reason: 'no broker credentials configured' } }),
        { critical: false },
      );
      this.log.warn('no broker credentials configured; the broker stays disconnected');
      return;
    }
    this.health.register('broker', async () => this.angel.health(), { critical: true });
    this.gateway.connect().catch((e: Error) => this.log.error(`broker connect failed: ${e.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.gateway.disconnect();
  }
}

/**
 * The broker port for the whole app: `BrokerGateway` bound to the Angel One adapter (simulated and live
 * modes) or to the paper gateway over it (paper mode), plus `InstrumentService`/`InstrumentCatalog`. Settings come from
 * `AppConfig.broker` (ANGEL_*), which simulated mode points at the embedded simulator.
 */
@Global()
@Module({
  providers: [
    {
      provide: AngelOneGateway,
      inject: [AppConfig, DataSource, { token: BROKER_SETTINGS_READY, optional: true }],
      useFactory: async (config: AppConfig, ds: DataSource, settings?: BrokerSettingsReady) => {
        await settings?.ready;
        const b = config.broker;
        return new AngelOneGateway({
          restUrl: b.restUrl,
          streamUrl: b.streamUrl,
          orderUpdateUrl: b.orderUpdateUrl,
          scripMasterUrl: b.scripMasterUrl,
          apiKey: b.apiKey ?? '',
          clientCode: b.clientCode ?? '',
          pin: b.pin ?? '',
          totpSecret: b.totpSecret ?? '',
          // Unset means "not registered": sent as the loopback address, never looked up online.
          publicIp: b.publicIp ?? '127.0.0.1',
          requestTimeoutMs: b.requestTimeoutMs,
          orderRateLimitPerSec: b.orderRateLimitPerSec,
          dailyReloginTime: b.dailyReloginTime,
          store: new TypeOrmSessionStore(ds, new CredentialCipher(config.credentialsKey)),
          logger: (context) => new Logger(context),
          // Order updates are consumed where orders are processed; the broker allows 3 sockets per client.
          // Paper mode fills locally, so it needs no broker order-update socket.
          orderUpdates: config.hasRole('worker') && config.tradingMode !== 'paper',
        });
      },
    },
    {
      // Paper mode: market data from Angel One, orders filled locally at bid/ask from the depth.
      provide: BrokerGateway,
      inject: [AppConfig, AngelOneGateway, InstrumentCatalog, REDIS, RedisKeys],
      useFactory: (
        config: AppConfig,
        angel: AngelOneGateway,
        catalog: InstrumentCatalog,
        redis: Redis,
        keys: RedisKeys,
      ): BrokerGateway =>
        config.tradingMode === 'paper'
          ? createPaperGateway({ config, inner: angel, catalog, redis, redisKey: keys.key('paper', 'book') })
          : angel,
    },
    {
      provide: InstrumentCatalog,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new InstrumentCatalog(ds, new Logger('Instruments')),
    },
    InstrumentService,
    BrokerLifecycle,
  ],
  exports: [BrokerGateway, AngelOneGateway, InstrumentCatalog, InstrumentService],
})
export class BrokerModule {}
