import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { envSchema } from './env.schema';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('configuration', () => {
  it('starts with nothing set in development, with the documented defaults', () => {
    const c = loadConfig({});
    expect(c.env.PORT).toBe(8000);
    expect(c.env.HOST).toBe('0.0.0.0');
    expect(c.env.TRADING_MODE).toBe('simulated');
    expect(c.env.REDIS_PREFIX).toBe('trading-bot');
    expect(c.env.ACCESS_TOKEN_EXPIRE_MINUTES).toBe(30);
    expect(c.env.MAX_POSITION_SIZE).toBe(100000);
    expect([...c.roles]).toEqual(['api', 'worker', 'feed']);
    expect(c.watchlist).toContain('NSE:SBIN-EQ');
    expect(c.adminPasswordGenerated).toBe(true);
    expect(c.warnings.join()).toContain('SECRET_KEY');
  });

  it('reports every bad variable at once, by name and reason', () => {
    const p = problems({
      PORT: 'eighty',
      TRADING_MODE: 'yolo',
      APP_ROLES: 'api,cook',
      DATABASE_URL: 'mysql://x',
      SQUARE_OFF_TIME: '25:00',
    });
    expect(p).toHaveLength(5);
    expect(p.join('\n')).toMatch(/PORT/);
    expect(p.join('\n')).toMatch(/TRADING_MODE/);
    expect(p.join('\n')).toMatch(/APP_ROLES: unknown role "cook"/);
    expect(p.join('\n')).toMatch(/DATABASE_URL/);
    expect(p.join('\n')).toMatch(/SQUARE_OFF_TIME/);
  });

  it('accepts postgres:// and postgresql:// database URLs', () => {
    expect(problems({ DATABASE_URL: 'postgres://u@h:5432/db' })).toEqual([]);
    expect(problems({ DATABASE_URL: 'postgresql://u@h:5432/db' })).toEqual([]);
  });

  it('refuses to start in production without real secrets, never printing their values', () => {
    const p = problems({
      NODE_ENV: 'production',
      SECRET_KEY: 'changeme',
      ADMIN_PASSWORD: 'hunter2-secret-value' + '',
    });
    expect(p.join('\n')).toMatch(/SECRET_KEY: is a placeholder/);
    expect(p.join('\n')).not.toContain('changeme');
    const short = problems({
      NODE_ENV: 'production',
      SECRET_KEY: 'short-but-real',
      ADMIN_PASSWORD: 'a-real-password',
    });
    expect(short.join('\n')).toMatch(/SECRET_KEY: must be at least 32/);
    expect(short.join('\n')).not.toContain('short-but-real');
  });

  it('needs Angel One credentials in paper and live modes, and the explicit live opt-in', () => {
    const paper = problems({ TRADING_MODE: 'paper' });
    expect(paper).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ANGEL_API_KEY/),
        expect.stringMatching(/^ANGEL_TOTP_SECRET/),
      ]),
    );
    const creds = {
      ANGEL_API_KEY: 'k',
      ANGEL_CLIENT_CODE: 'c',
      ANGEL_PIN: '1234',
      ANGEL_TOTP_SECRET: 'JBSWY3DPEHPK3PXP',
    };
    expect(problems({ TRADING_MODE: 'paper', ...creds })).toEqual([]);
    expect(problems({ TRADING_MODE: 'live', ...creds }).join()).toMatch(/LIVE_TRADING_CONFIRM/);
    expect(problems({ TRADING_MODE: 'live', LIVE_TRADING_CONFIRM: 'yes', ...creds })).toEqual([]);
  });

  it('keeps .env.example and the README in step with the schema', () => {
    const root = join(__dirname, '..', '..');
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of Object.keys(envSchema.shape)) {
      if (name === 'NODE_ENV') continue;
      expect({ name, inExample: new RegExp(`^#?\\s*${name}=`, 'm').test(example) }).toEqual({
        name,
        inExample: true,
      });
      expect({ name, inReadme: readme.includes(`\`${name}\``) }).toEqual({ name, inReadme: true });
    }
  });
});
