import { randomBytes, createHash } from 'node:crypto';
import { envSchema, ROLES, SECRET_VARS, type AppRole, type Env } from './env.schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface BrokerSettings {
  apiKey?: string;
  clientCode?: string;
  pin?: string;
  totpSecret?: string;
  publicIp?: string;
  restUrl: string;
  streamUrl: string;
  orderUpdateUrl: string;
  scripMasterUrl: string;
  requestTimeoutMs: number;
  dailyReloginTime: string;
  orderRateLimitPerSec: number;
}

const PLACEHOLDERS = /^(change[-_ ]?me|changeme|secret|password|admin|test|example|xxx+|your[-_].*|<.*>)$/i;

/**
 * The one typed, validated settings object, built once at boot from the environment and provided
 * globally (inject `AppConfig`). `broker` is filled from ANGEL_* in paper and live modes, and from the
 * embedded simulator's address and credentials in simulated mode (see SimulatorHost).
 */
export class AppConfig {
  readonly roles: ReadonlySet<AppRole>;
  readonly corsOrigins: string[];
  readonly watchlist: string[];
  readonly secretKey: string;
  readonly adminPassword: string;
  readonly adminPasswordGenerated: boolean;
  readonly credentialsKey: Buffer;
  readonly warnings: string[];
  broker: BrokerSettings;
  /** Simulated mode without SIM_URL: the simulator running inside this process (tests reach its faults). */
  embeddedSimulator?: { restUrl: string; close(): Promise<void> } & Record<string, unknown>;

  constructor(
    readonly env: Env,
    derived: {
      roles: Set<AppRole>;
      secretKey: string;
      adminPassword: string;
      adminPasswordGenerated: boolean;
      credentialsKey: Buffer;
      warnings: string[];
    },
  ) {
    this.roles = derived.roles;
    this.secretKey = derived.secretKey;
    this.adminPassword = derived.adminPassword;
    this.adminPasswordGenerated = derived.adminPasswordGenerated;
    this.credentialsKey = derived.credentialsKey;
    this.warnings = derived.warnings;
    this.corsOrigins = splitList(env.CORS_ORIGINS);
    this.watchlist = splitList(env.MARKET_WATCHLIST);
    this.broker = {
      apiKey: env.ANGEL_API_KEY,
      clientCode: env.ANGEL_CLIENT_CODE,
      pin: env.ANGEL_PIN,
      totpSecret: env.ANGEL_TOTP_SECRET,
      publicIp: env.ANGEL_PUBLIC_IP,
      restUrl: env.ANGEL_REST_URL,
      streamUrl: env.ANGEL_STREAM_URL,
      orderUpdateUrl: env.ANGEL_ORDER_UPDATE_URL,
      scripMasterUrl: env.ANGEL_SCRIP_MASTER_URL,
      requestTimeoutMs: env.ANGEL_REQUEST_TIMEOUT_MS,
      dailyReloginTime: env.ANGEL_DAILY_RELOGIN_TIME,
      orderRateLimitPerSec: env.ORDER_RATE_LIMIT_PER_SEC,
    };
  }

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }

  get tradingMode(): Env['TRADING_MODE'] {
    return this.env.TRADING_MODE;
  }

  hasRole(role: AppRole): boolean {
    return this.roles.has(role);
  }
}

function splitList(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Validates the whole environment at once and reports every bad variable by name and reason, never a
 * secret's value. Throws ConfigError; main() prints it and exits non-zero.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) if (source[key] !== undefined) input[key] = source[key];

  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      const secret = (SECRET_VARS as readonly string[]).includes(name);
      const got = secret || input[name] === undefined ? '' : ` (got ${JSON.stringify(input[name])})`;
      problems.push(`${name}: ${issue.message}${got}`);
    }
  }

  // List-valued variables are checked on their raw text, so their problems join the schema's.
  const roles = new Set<AppRole>();
  for (const r of splitList(input.APP_ROLES ?? 'api,worker,feed')) {
    if ((ROLES as readonly string[]).includes(r)) roles.add(r as AppRole);
    else problems.push(`APP_ROLES: unknown role "${r}" (allowed: ${ROLES.join(', ')})`);
  }
  if (roles.size === 0 && !problems.some((p) => p.startsWith('APP_ROLES')))
    problems.push('APP_ROLES: names no role');
  for (const s of splitList(input.MARKET_WATCHLIST)) {
    if (!/^[A-Z]+:[A-Za-z0-9&_.-]+$/.test(s))
      problems.push(`MARKET_WATCHLIST: "${s}" is not EXCHANGE:TRADINGSYMBOL`);
  }
  for (const o of splitList(input.CORS_ORIGINS)) {
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o))
      problems.push(`CORS_ORIGINS: "${o}" is not an origin (scheme://host[:port])`);
  }
  // Cross-variable rules run even when the schema failed, on the raw text, so one start reports all.
  const env = parsed.success ? parsed.data : lenientEnv(input);
  const prod = env.NODE_ENV === 'production';

  let secretKey = env.SECRET_KEY;
  if (secretKey === undefined || PLACEHOLDERS.test(secretKey)) {
    if (prod)
      problems.push(
        `SECRET_KEY: ${secretKey === undefined ? 'is required' : 'is a placeholder'} when NODE_ENV=production`,
      );
    else {
      warnings.push('SECRET_KEY is not set: generated a random one for this process (tokens end with it)');
      secretKey = randomBytes(48).toString('base64url');
    }
  } else if (secretKey.length < 32) {
    problems.push('SECRET_KEY: must be at least 32 characters');
  }

  let adminPassword = env.ADMIN_PASSWORD;
  let adminPasswordGenerated = false;
  if (adminPassword === undefined || PLACEHOLDERS.test(adminPassword)) {
    if (prod)
      problems.push(
        `ADMIN_PASSWORD: ${adminPassword === undefined ? 'is required' : 'is a placeholder'} when NODE_ENV=production`,
      );
    else {
      adminPassword = randomBytes(12).toString('base64url');
      adminPasswordGenerated = true;
    }
  } else if (adminPassword.length < 8) {
    problems.push('ADMIN_PASSWORD: must be at least 8 characters');
  }

  let credentialsKey: Buffer | undefined;
  if (env.CREDENTIALS_ENCRYPTION_KEY !== undefined) {
    credentialsKey = parseKey(env.CREDENTIALS_ENCRYPTION_KEY);
    if (!credentialsKey)
      problems.push('CREDENTIALS_ENCRYPTION_KEY: must be 32 bytes as 64 hex characters or base64');
  } else if (prod && env.TRADING_MODE !== 'simulated') {
    problems.push('CREDENTIALS_ENCRYPTION_KEY: is required when NODE_ENV=production outside simulated mode');
  }

  if (env.TRADING_MODE !== 'simulated') {
    for (const name of ['ANGEL_API_KEY', 'ANGEL_CLIENT_CODE', 'ANGEL_PIN', 'ANGEL_TOTP_SECRET'] as const) {
      if (!env[name]) problems.push(`${name}: is required when TRADING_MODE=${env.TRADING_MODE}`);
    }
  }
  if (env.TRADING_MODE === 'live' && env.LIVE_TRADING_CONFIRM !== 'yes') {
    problems.push('LIVE_TRADING_CONFIRM: must be "yes" when TRADING_MODE=live (live orders use real money)');
  }
  if ((env.TLS_CERT_FILE === undefined) !== (env.TLS_KEY_FILE === undefined)) {
    problems.push('TLS_CERT_FILE/TLS_KEY_FILE: set both or neither');
  }
  if (!parsed.success || problems.length) throw new ConfigError(problems);

  return new AppConfig(env, {
    roles,
    secretKey: secretKey!,
    adminPassword: adminPassword!,
    adminPasswordGenerated,
    // Without an explicit key, derive one from SECRET_KEY so stored broker sessions stay readable.
    credentialsKey: credentialsKey ?? createHash('sha256').update(`credentials:${secretKey}`).digest(),
    warnings,
  });
}

function lenientEnv(input: Record<string, string | undefined>): Env {
  const text = (k: string) => {
    const v = input[k]?.trim();
    return v ? v : undefined;
  };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(envSchema.shape)) out[k] = text(k);
  out.NODE_ENV = text('NODE_ENV') ?? 'development';
  // An invalid mode is already reported; don't pile mode-specific rules on top of it.
  out.TRADING_MODE = ['paper', 'live'].includes(text('TRADING_MODE') ?? '')
    ? text('TRADING_MODE')
    : 'simulated';
  return out as Env;
}

function parseKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const b = Buffer.from(text, 'base64');
  return b.length === 32 ? b : undefined;
}
