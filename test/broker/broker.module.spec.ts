import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { BrokerGateway } from '@/broker/broker-gateway';
import { BrokerModule } from '@/broker/broker.module';
import { InstrumentService } from '@/broker/instruments/instrument.service';
import { loadConfig } from '@/config/app-config';
import { ConfigModule } from '@/config/config.module';
import { DatabaseModule } from '@/database/database.module';
import { HealthModule } from '@/health/health.module';
import { HealthRegistry } from '@/health/health-registry';
import { RedisModule } from '@/redis/redis.module';
import { startSimProcess, type SimProcess } from './fixtures/sim-process';
import { createTestDatabase, testRedisPrefix } from '../support/test-db';

async function boot(
  env: Record<string, string>,
): Promise<{ app: INestApplicationContext; drop: () => Promise<void> }> {
  const db = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_PREFIX: testRedisPrefix(),
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    APP_ROLES: 'api,worker',
    LOG_LEVEL: 'silent',
    ...env,
  });
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule,
      RedisModule,
      ScheduleModule.forRoot(),
      HealthModule,
      BrokerModule,
    ],
  })
  class Root {}
  const app = await NestFactory.createApplicationContext(Root, { logger: false });
  await app.init();
  return { app, drop: db.drop };
}

const until = async (what: string, fn: () => Promise<boolean> | boolean, ms = 10_000) => {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('BrokerModule wiring', () => {
  let sim: SimProcess;
  beforeAll(async () => {
    sim = await startSimProcess();
  }, 60_000);
  afterAll(() => sim.close());

  it('binds BrokerGateway to the Angel One adapter, logs in, joins readiness and loads the instrument master', async () => {
    const { app, drop } = await boot({
      ANGEL_API_KEY: sim.credentials.apiKey,
      ANGEL_CLIENT_CODE: sim.credentials.clientCode,
      ANGEL_PIN: sim.credentials.pin,
      ANGEL_TOTP_SECRET: sim.credentials.totpSecret,
      ANGEL_REST_URL: sim.restUrl,
      ANGEL_STREAM_URL: sim.streamUrl,
      ANGEL_ORDER_UPDATE_URL: sim.orderUpdateUrl,
      ANGEL_SCRIP_MASTER_URL: sim.scripMasterUrl,
    });
    try {
      const gw = app.get(BrokerGateway);
      await until('session', () => gw.sessionStatus().state === 'CONNECTED');
      const check = app
        .get(HealthRegistry)
        .list()
        .find((c) => c.name === 'broker')!;
      expect(check.critical).toBe(true);
      await until('broker health up', async () => (await check.check()).up);
      const instruments = app.get(InstrumentService);
      await until('instrument master', async () => (await instruments.catalog.count()) > 0);
      await instruments.catalog.ensure(true);
      await expect(instruments.get('NSE:SBIN-EQ')).resolves.toMatchObject({ token: '3045' });
    } finally {
      await app.close();
      await drop();
    }
  }, 60_000);

  it('without credentials stays disconnected and reports a non-critical broker check', async () => {
    const { app, drop } = await boot({ APP_ROLES: 'api' }); // api only: no scrip-master download from the internet
    try {
      const check = app
        .get(HealthRegistry)
        .list()
        .find((c) => c.name === 'broker')!;
      expect(check.critical).toBe(false);
      await expect(check.check()).resolves.toEqual({
        up: false,
        details: { reason: 'no broker credentials configured' },
      });
      expect(app.get(BrokerGateway).sessionStatus().state).toBe('DISCONNECTED');
    } finally {
      await app.close();
      await drop();
    }
  }, 60_000);
});
