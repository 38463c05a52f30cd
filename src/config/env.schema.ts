import { z } from 'zod';

/**
 * Every environment variable the platform reads, with its default. `.env.example` and the README list
 * the same names; `config.spec.ts` keeps the three in step. Secrets are validated here but their values
 * never appear in a message.
 */
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

const num = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().min(min).max(max).default(def);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const hhmm = (def: string) =>
  z
    .string()
    .default(def)
    .refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), 'must be HH:MM (24 h, IST)');

const url = (def: string, protocols: string[]) =>
  z
    .string()
    .default(def)
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL with protocol ${protocols.join(' or ')}`,
    );

export const ROLES = ['api', 'worker', 'feed'] as const;
export type AppRole = (typeof ROLES)[number];

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(8000, 0, 65535),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEBUG: bool(false),
  DATABASE_URL: url('postgresql://postgres@127.0.0.1:5432/trading_bot', ['postgres:', 'postgresql:']),
  DATABASE_MIGRATIONS_RUN: bool(true),
  REDIS_URL: url('redis://127.0.0.1:6379/0', ['redis:', 'rediss:']),
  REDIS_PREFIX: z
    .string()
    .default('trading-bot')
    .refine((v) => /^[A-Za-z0-9_.:-]{1,64}$/.test(v), 'letters, digits, _ . : - only (1-64 characters)'),
  SECRET_KEY: optionalString,
  ALGORITHM: z.enum(['HS256', 'HS384', 'HS512']).default('HS256'),
  ACCESS_TOKEN_EXPIRE_MINUTES: int(30, 1, 24 * 60),
  REFRESH_TOKEN_EXPIRE_DAYS: int(7, 1, 365),
  JWT_ISSUER: z.string().default('trading-bot'),
  JWT_AUDIENCE: z.string().default('trading-bot-api'),
  TRADING_MODE: z.enum(['simulated', 'paper', 'live']).default('simulated'),
  LIVE_TRADING_CONFIRM: optionalString,
  ANGEL_API_KEY: optionalString,
  ANGEL_CLIENT_CODE: optionalString,
  ANGEL_PIN: optionalString,
  ANGEL_TOTP_SECRET: optionalString,
  ANGEL_PUBLIC_IP: optionalString,
  ANGEL_REST_URL: url('https://apiconnect.angelone.in', ['http:', 'https:']),
  ANGEL_STREAM_URL: url('wss://smartapisocket.angelone.in/smart-stream', ['ws:', 'wss:']),
  ANGEL_ORDER_UPDATE_URL: url('wss://tns.angelone.in/smart-order-update', ['ws:', 'wss:']),
  ANGEL_SCRIP_MASTER_URL: z
    .string()
    .default('https://margincalculator.angelbroking.com/OpenAPI_File/files/OpenAPIScripMaster.json'),
  ANGEL_DAILY_RELOGIN_TIME: hhmm('08:30'),
  ANGEL_REQUEST_TIMEOUT_MS: int(7000, 100, 120000),
  ORDER_RATE_LIMIT_PER_SEC: int(8, 1, 20),
  /** Cancels per second, apart from placements: the broker's cancelOrder limit (protocol §7.1: 20/s). */
  CANCEL_RATE_LIMIT_PER_SEC: int(20, 1, 20),
  ORDER_UNKNOWN_RESOLVE_SECONDS: int(30, 1, 3600),
  /** Market orders go out as limits this many percent beyond LTP, per exchange; 0 sends true market orders. */
  ORDER_MARKET_PROTECTION: z
    .string()
    .default('NSE=3,BSE=3,NFO=5,BFO=5,MCX=3,CDS=2')
    .refine((v) => v.trim() === '' || /^\s*[A-Z]+=\d+(\.\d+)?\s*(,\s*[A-Z]+=\d+(\.\d+)?\s*)*$/.test(v), {
      message: 'expected EXCHANGE=percent pairs, e.g. NSE=3,NFO=5',
    }),
  PAPER_CAPITAL: num(1000000, 0),
  MAX_POSITION_SIZE: num(100000, 0),
  MAX_DAILY_LOSS: num(10000, 0),
  RISK_PERCENTAGE: num(2.0, 0, 100),
  SQUARE_OFF_TIME: hhmm('15:15'),
  MARKET_WATCHLIST: z.string().default('NSE:SBIN-EQ,NSE:RELIANCE-EQ,NSE:INFY-EQ,NSE:TCS-EQ,NSE:HDFCBANK-EQ'),
  STALE_TICK_SECONDS: int(10, 1, 3600),
  WS_CLIENT_MAX_HZ: int(10, 1, 100),
  STRATEGIES_DIR: optionalString,
  DEMO_STRATEGY: bool(true),
  ADMIN_USERNAME: z.string().default('admin'),
  ADMIN_PASSWORD: optionalString,
  CREDENTIALS_ENCRYPTION_KEY: optionalString,
  CORS_ORIGINS: optionalString,
  METRICS_TOKEN: optionalString,
  APP_ROLES: z.string().default('api,worker,feed'),
  BODY_LIMIT_BYTES: int(1_048_576, 1024, 100 * 1_048_576),
  THROTTLE_LIMIT_PER_MINUTE: int(600, 1),
  LOGIN_THROTTLE_PER_MINUTE: int(10, 1),
  TLS_CERT_FILE: optionalString,
  TLS_KEY_FILE: optionalString,
  ALERT_WEBHOOK_URL: optionalString,
  ALERT_WEBHOOK_SECRET: optionalString,
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_CHAT_ID: optionalString,
  TELEGRAM_API_URL: url('https://api.telegram.org', ['http:', 'https:']),
  SIM_URL: optionalString,
  SIM_PORT: int(8100, 0, 65535),
  SIM_CLIENT_CODE: z.string().default('SIM001'),
  SIM_PIN: z.string().default('1234'),
  SIM_TOTP_SECRET: z.string().default('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'),
  SIM_API_KEY: z.string().default('sim-api-key'),
  SIM_SEED: int(42),
  SIM_TICK_INTERVAL_MS: int(250, 10, 60000),
  SIM_MARKET_HOURS: z.enum(['always', 'nse']).default('always'),
});

export type Env = z.infer<typeof envSchema>;

/** Variables whose values are secrets: never echoed, and refused as placeholders in production. */
export const SECRET_VARS = [
  'SECRET_KEY',
  'ADMIN_PASSWORD',
  'CREDENTIALS_ENCRYPTION_KEY',
  'ANGEL_API_KEY',
  'ANGEL_PIN',
  'ANGEL_TOTP_SECRET',
  'METRICS_TOKEN',
  'ALERT_WEBHOOK_SECRET',
  'TELEGRAM_BOT_TOKEN',
  'SIM_PIN',
  'SIM_TOTP_SECRET',
  'SIM_API_KEY',
] as const;
