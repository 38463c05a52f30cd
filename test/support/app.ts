import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/bootstrap';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { createTestDatabase, testRedisPrefix } from './test-db';

export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  http: () => ReturnType<typeof request>;
  /** Logs in and returns the token pair. */
  login: (username?: string, password?: string) => Promise<{ accessToken: string; refreshToken: string }>;
  /** Creates a user with a role (as admin) and returns a bearer token for them. */
  userToken: (username: string, role: 'admin' | 'trader' | 'viewer') => Promise<string>;
  close: () => Promise<void>;
}

export interface StartTestAppOptions {
  /**
   * Another running test app whose database and Redis prefix this one shares, as a second process of
   * the same deployment would (split roles). This app then neither creates nor drops a database: close
   * it before the app it shares with.
   */
  shareWith?: TestApp;
}

/**
 * The real Fastify app on an ephemeral loopback port, with its own freshly migrated database and its own
 * Redis prefix (or those of `opts.shareWith`). `env` overrides any variable.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  opts: StartTestAppOptions = {},
): Promise<TestApp> {
  const shared = opts.shareWith?.config.env;
  const db = shared
    ? { url: shared.DATABASE_URL, drop: () => Promise.resolve() }
    : await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_PREFIX: shared?.REDIS_PREFIX ?? testRedisPrefix(),
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    APP_ROLES: 'api',
    DEMO_STRATEGY: 'false',
    LOG_LEVEL: 'silent',
    THROTTLE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const app = await createApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${addr.port}`;
  const http = () => request(url);
  const login = async (username = ADMIN.username, password = ADMIN.password) => {
    const res = await http().post('/api/v1/auth/login').send({ username, password });
    if (res.status !== 200)
      throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { accessToken: string; refreshToken: string };
  };
  const userToken = async (username: string, role: 'admin' | 'trader' | 'viewer') => {
    const admin = await login();
    const password = `${username}-password-123`;
    const res = await http()
      .post('/api/v1/users')
      .set('authorization', `Bearer ${admin.accessToken}`)
      .send({ username, password, role });
    if (res.status !== 201)
      throw new Error(`create ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return (await login(username, password)).accessToken;
  };
  return {
    app,
    config,
    url,
    http,
    login,
    userToken,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
