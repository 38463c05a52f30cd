import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, testRedisPrefix } from '../support/test-db';
import { freePort } from '../support/throwaway-redis';

const ROOT = join(__dirname, '..', '..');

function startMain(env: Record<string, string>): { proc: ChildProcess; output: () => string } {
  let out = '';
  const proc = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        TS_NODE_TRANSPILE_ONLY: 'true',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { proc, output: () => out };
}

async function status(url: string): Promise<number> {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
}

async function eventually(fn: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('condition not met in time');
}

describe('process startup and shutdown', () => {
  it('reports every bad variable by name, never a secret, and exits non-zero', async () => {
    const { proc, output } = startMain({
      PORT: 'eighty',
      TRADING_MODE: 'live',
      ANGEL_PIN: 'pin-9876-secret',
      SECRET_KEY: 'short',
    });
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(output()).toMatch(/PORT/);
    expect(output()).toMatch(/ANGEL_API_KEY: is required when TRADING_MODE=live/);
    expect(output()).toMatch(/LIVE_TRADING_CONFIRM/);
    expect(output()).not.toContain('pin-9876-secret');
  });

  it('answers ready 503 while PostgreSQL is unreachable, starts when it returns, and stops cleanly on SIGTERM', async () => {
    const db = await createTestDatabase();
    const proxy = new TcpProxy(await freePort(), 5432);
    const port = await freePort();
    const { proc, output } = startMain({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${proxy.port}/${db.name}`,
      REDIS_PREFIX: testRedisPrefix(),
      ADMIN_PASSWORD: 'startup-test-password',
      APP_ROLES: 'api',
    });
    try {
      await eventually(async () => (await status(`http://127.0.0.1:${port}/health/ready`)) === 503, 60_000);
      expect(await status(`http://127.0.0.1:${port}/health/live`)).toBe(200);
      expect(output()).toMatch(/PostgreSQL unavailable/);
      await proxy.up();
      await eventually(async () => (await status(`http://127.0.0.1:${port}/health/ready`)) === 200, 60_000);
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        proc.on('exit', (code, signal) => resolve({ code, signal })),
      );
      proc.kill('SIGTERM');
      // Nest closes queues, the database and Redis, then re-raises the signal it caught.
      const end = await exited;
      expect(end.code === 0 || end.signal === 'SIGTERM').toBe(true);
      expect(output()).not.toMatch(/"level":50/);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- process output ---\n${output().slice(-3000)}`, {
        cause: err,
      });
    } finally {
      proc.kill('SIGKILL');
      await proxy.down();
      await db.drop();
    }
  }, 150_000);
});
