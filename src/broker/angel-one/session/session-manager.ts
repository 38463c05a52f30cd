/**
 * The broker session: TOTP login with client code + MPIN, tokens stored encrypted so a restart reuses a
 * live session, refresh before expiry, one re-login on an expired-token error, and a daily logout+login
 * at a configured IST time. Wrong credentials put the session in FAILED with one clear message and an
 * exponential backoff (at least 1 s between logins), so a bad PIN never becomes a loop hammering the
 * login route (and never locks the account).
 */
import { BrokerError, EXPIRED_SESSION_CODES } from '@/broker/broker.errors';
import { consoleLogger, type BrokerLogger } from '@/broker/broker-logger';
import type { SessionState, SessionStatus } from '@/broker/broker.types';
import { gauge } from '@/monitoring/metrics';
import type { AngelRestClient } from '../rest-client';
import type { SessionStore, SessionTokens } from './session-store';
import { totpCode } from './totp';

const sessionUp = gauge({
  name: 'trading_bot_broker_session_up',
  help: '1 while the broker session is live',
});

export interface SessionManagerOptions {
  clientCode: string;
  pin: string;
  totpSecret: string;
  store: SessionStore;
  now?: () => number;
  /** `HH:mm` IST for the daily logout + login; undefined disables it. */
  dailyReloginTime?: string;
  refreshBeforeMs?: number;
  minLoginIntervalMs?: number;
  maxBackoffMs?: number;
  /** Lifetime assumed when the JWT carries no `exp` (the broker does not document it). */
  defaultTtlMs?: number;
  logger?: BrokerLogger;
}

const IST_OFFSET_MS = 330 * 60_000;

export class SessionManager {
  private readonly log: BrokerLogger;
  private readonly now: () => number;
  private rest!: AngelRestClient;
  private tokens: SessionTokens | null = null;
  private expiresAt: number | null = null;
  private state: SessionState = 'DISCONNECTED';
  private since: number;
  private reason: string | undefined;
  private inflight: Promise<SessionTokens> | null = null;
  private failures = 0;
  private nextLoginAt = 0;
  private lastFailure: BrokerError | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private dailyTimer: NodeJS.Timeout | null = null;
  private readonly listeners: ((t: SessionTokens) => void)[] = [];

  constructor(private readonly o: SessionManagerOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.logger ?? consoleLogger('BrokerSession');
    this.since = this.now();
  }

  /** The REST client needs the session's JWT and the session needs the client: wired after construction. */
  attach(rest: AngelRestClient): void {
    this.rest = rest;
  }

  jwt(): string | null {
    return this.tokens?.jwtToken ?? null;
  }

  feedToken(): string | null {
    return this.tokens?.feedToken ?? null;
  }

  get clientCode(): string {
    return this.o.clientCode;
  }

  /** Every value that must be scrubbed from logs and errors. */
  secrets(): string[] {
    const t = this.tokens;
    return [this.o.pin, this.o.totpSecret, t?.jwtToken, t?.refreshToken, t?.feedToken].filter(
      (s): s is string => !!s,
    );
  }

  status(): SessionStatus {
    return { state: this.state, since: this.since, reason: this.reason, expiresAt: this.expiresAt };
  }

  /** Called with the new tokens after every login or refresh (the sockets reconnect with them). */
  onTokens(fn: (t: SessionTokens) => void): void {
    this.listeners.push(fn);
  }

  async start(): Promise<void> {
    this.scheduleDaily();
    await this.ensure();
  }

  stop(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.dailyTimer) clearTimeout(this.dailyTimer);
    this.refreshTimer = this.dailyTimer = null;
  }

  /** A live session's tokens: reuses, refreshes or logs in as needed; one attempt in flight at a time. */
  ensure(): Promise<SessionTokens> {
    if (this.tokens && this.expiresAt !== null && this.now() < this.expiresAt - 5_000)
      return Promise.resolve(this.tokens);
    this.inflight ??= this.establish().finally(() => (this.inflight = null));
    return this.inflight;
  }

  /** Runs a call with a session; an expired-token answer gets exactly one re-login and one retry. */
  async withSession<T>(fn: () => Promise<T>): Promise<T> {
    await this.ensure();
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof BrokerError) || e.kind !== 'auth' || !e.code || !EXPIRED_SESSION_CODES.has(e.code))
        throw e;
      this.log.warn(`session expired (${e.code}); logging in again`);
      await this.invalidate();
      await this.ensure();
      return fn();
    }
  }

  async logout(): Promise<void> {
    if (this.tokens) {
      try {
        await this.rest.logout(this.o.clientCode);
      } catch (e) {
        this.log.warn(`logout failed: ${(e as Error).message}`);
      }
    }
    await this.invalidate();
    this.setState('DISCONNECTED');
  }

  private async invalidate(): Promise<void> {
    this.tokens = null;
    this.expiresAt = null;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    await this.o.store.clear(this.o.clientCode).catch(() => undefined);
  }

  private async establish(): Promise<SessionTokens> {
    if (!this.tokens) {
      const stored = await this.o.store.load(this.o.clientCode).catch((e: Error) => {
        this.log.warn(`stored session unreadable: ${e.message}`);
        return null;
      });
      if (stored && stored.expiresAt > this.now() + 60_000) {
        this.log.log('reusing the stored broker session');
        return this.adopt(stored.tokens, stored.obtainedAt, false);
      }
    }
    if (this.tokens) {
      try {
        const t = await this.rest.generateTokens(this.tokens.refreshToken);
        this.log.log('broker session refreshed');
        return await this.adopt(t, this.now(), true);
      } catch (e) {
        this.log.warn(`token refresh failed (${(e as Error).message}); logging in`);
        this.tokens = null;
      }
    }
    return this.login();
  }

  private async login(): Promise<SessionTokens> {
    let now = this.now();
    if (now < this.nextLoginAt) {
      const wait = this.nextLoginAt - now;
      if (this.lastFailure) {
        // After a failure, refuse fast with the same clear error instead of queueing logins.
        const e = this.lastFailure;
        throw new BrokerError(
          e.kind,
          'login',
          `${e.message}; next login attempt in ${Math.ceil(wait / 1000)}s`,
          e.code,
        );
      }
      // Plain pacing (at most one login a second): wait it out.
      await new Promise((r) => setTimeout(r, wait));
      now = this.now();
    }
    this.nextLoginAt = now + (this.o.minLoginIntervalMs ?? 1000);
    this.setState('CONNECTING');
    try {
      const t = await this.rest.login({
        clientcode: this.o.clientCode,
        password: this.o.pin,
        totp: totpCode(this.o.totpSecret, now),
      });
      this.failures = 0;
      this.lastFailure = null;
      this.log.log(`logged in as ${this.o.clientCode}`);
      return await this.adopt(t, this.now(), true);
    } catch (e) {
      const err =
        e instanceof BrokerError ? e : new BrokerError('unavailable', 'login', (e as Error).message);
      this.failures++;
      // Wrong credentials back off harder: repeating them risks locking the account.
      const base = err.kind === 'auth' ? 30_000 : 1_000;
      const backoff = Math.min(this.o.maxBackoffMs ?? 300_000, base * 2 ** (this.failures - 1));
      this.nextLoginAt = Math.max(this.nextLoginAt, this.now() + backoff);
      const reason =
        err.kind === 'auth'
          ? `broker refused the login (${err.code ?? 'auth'}: ${err.message}); check ANGEL_CLIENT_CODE, ANGEL_PIN and ANGEL_TOTP_SECRET`
          : `broker login failed: ${err.message}`;
      if (reason !== this.reason) this.log.error(reason);
      this.lastFailure = err;
      this.setState('FAILED', reason);
      throw err;
    }
  }

  private async adopt(t: SessionTokens, obtainedAt: number, persist: boolean): Promise<SessionTokens> {
    this.tokens = t;
    this.expiresAt = jwtExpiry(t.jwtToken) ?? obtainedAt + (this.o.defaultTtlMs ?? 20 * 3_600_000);
    if (persist) {
      await this.o.store
        .save(this.o.clientCode, { tokens: t, obtainedAt, expiresAt: this.expiresAt })
        .catch((e: Error) => this.log.warn(`could not store the session: ${e.message}`));
    }
    this.setState('CONNECTED');
    this.scheduleRefresh();
    for (const fn of this.listeners) fn(t);
    return t;
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.expiresAt === null) return;
    const at = this.expiresAt - (this.o.refreshBeforeMs ?? 10 * 60_000);
    // setTimeout caps at 2^31-1 ms; a later wake-up just reschedules.
    const delay = Math.min(Math.max(1_000, at - this.now()), 2 ** 31 - 1);
    this.refreshTimer = setTimeout(() => {
      if (this.now() < at) return this.scheduleRefresh();
      this.ensure().catch((e: Error) => this.log.warn(`scheduled refresh failed: ${e.message}`));
    }, delay);
    this.refreshTimer.unref?.();
  }

  private scheduleDaily(): void {
    if (!this.o.dailyReloginTime) return;
    const delay = msUntilIst(this.o.dailyReloginTime, this.now());
    this.dailyTimer = setTimeout(() => {
      this.log.log('daily broker re-login');
      this.logout()
        .then(() => this.ensure())
        .catch((e: Error) => this.log.error(`daily re-login failed: ${e.message}`))
        .finally(() => this.scheduleDaily());
    }, delay);
    this.dailyTimer.unref?.();
  }

  private setState(state: SessionState, reason?: string): void {
    if (state !== this.state) this.since = this.now();
    this.state = state;
    this.reason = reason;
    sessionUp.set(state === 'CONNECTED' ? 1 : 0);
  }
}

/** The JWT's `exp` in ms, when it has one; the signature is the broker's business, not ours. */
export function jwtExpiry(jwt: string): number | null {
  const part = jwt.split('.')[1];
  if (!part) return null;
  try {
    const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** ms from `now` to the next `HH:mm` in Asia/Kolkata (IST has no DST). */
export function msUntilIst(hhmm: string, now: number): number {
  const [h, m] = hhmm.split(':').map(Number);
  const istNow = now + IST_OFFSET_MS;
  const dayStart = istNow - (istNow % 86_400_000);
  let target = dayStart + (h * 60 + m) * 60_000;
  if (target <= istNow) target += 86_400_000;
  return target - istNow;
}
