import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { verifySync } from 'otplib';
import type { Clock } from '@/common/clock';
import { DAY_MS, istDayStart } from './ist';

export interface SimCredentials {
  clientCode: string;
  pin: string;
  totpSecret: string;
  apiKey: string;
}

type TokenKind = 'access' | 'refresh' | 'feed';
interface Claims {
  username: string;
  sid: string;
  typ: TokenKind;
  iat: number;
  exp: number;
}

export interface TokenSet {
  jwtToken: string;
  refreshToken: string;
  feedToken: string;
}

export type LoginOutcome = { ok: true; tokens: TokenSet } | { ok: false; errorcode: string; message: string };
export type TokenCheck =
  { ok: true; clientCode: string; sid: string } | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
/** Daily cutoff at which every session dies, 05:00 IST (the real lifetime is undocumented, protocol §1.2). */
const CUTOFF_MS = 5 * 3_600_000;

/**
 * Login (client code + MPIN + RFC 6238 TOTP with one step of drift) and HS256 JWTs signed with a key
 * that lives only in this process. Sessions die at logout or at the daily cutoff.
 */
export class SessionStore {
  private readonly key = randomBytes(32);
  private readonly revoked = new Set<string>();
  private readonly live = new Set<string>();

  constructor(
    readonly credentials: SimCredentials,
    private readonly clock: Clock,
  ) {}

  login(clientcode: unknown, password: unknown, totp: unknown): LoginOutcome {
    const c = this.credentials;
    if (
      typeof clientcode !== 'string' ||
      typeof password !== 'string' ||
      !safeEqual(clientcode, c.clientCode) ||
      !safeEqual(password, c.pin)
    ) {
      return { ok: false, errorcode: 'AB1007', message: 'Invalid clientcode or MPIN' };
    }
    if (typeof totp !== 'string' || !/^\d{6}$/.test(totp) || !this.totpValid(totp)) {
      return { ok: false, errorcode: 'AB1050', message: 'Invalid totp' };
    }
    return { ok: true, tokens: this.issue(c.clientCode, randomUUID()) };
  }

  totpValid(code: string): boolean {
    try {
      return verifySync({
        secret: this.credentials.totpSecret,
        token: code,
        epoch: Math.floor(this.clock.now() / 1000),
        epochTolerance: 30,
      }).valid;
    } catch {
      return false;
    }
  }

  refresh(refreshToken: unknown): LoginOutcome {
    const check = this.verify(refreshToken, 'refresh');
    if (!check.ok) {
      return check.reason === 'expired'
        ? { ok: false, errorcode: 'AB8051', message: 'Refresh Token Expired' }
        : { ok: false, errorcode: 'AB8050', message: 'Invalid Refresh Token' };
    }
    return { ok: true, tokens: this.issue(check.clientCode, check.sid) };
  }

  logout(sid: string): void {
    this.revoked.add(sid);
    this.live.delete(sid);
  }

  /** Ends every session at once, as the daily cutoff does (for tests of re-login). */
  revokeAll(): void {
    for (const sid of this.live) this.revoked.add(sid);
    this.live.clear();
  }

  get liveSessions(): number {
    return this.live.size;
  }

  /** Accepts the token with or without a `Bearer ` prefix. */
  verify(token: unknown, kind: TokenKind): TokenCheck {
    if (typeof token !== 'string' || token.trim() === '') return { ok: false, reason: 'missing' };
    const raw = token.replace(/^Bearer\s+/i, '').trim();
    const parts = raw.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'invalid' };
    const expected = b64url(createHmac('sha256', this.key).update(`${parts[0]}.${parts[1]}`).digest());
    if (!safeEqual(parts[2], expected)) return { ok: false, reason: 'invalid' };
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Claims;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (claims.typ !== kind) return { ok: false, reason: 'invalid' };
    if (this.revoked.has(claims.sid) || claims.exp * 1000 <= this.clock.now())
      return { ok: false, reason: 'expired' };
    return { ok: true, clientCode: claims.username, sid: claims.sid };
  }

  /** Reads the client code from a token without checking it, to key rate buckets before auth. */
  static peekClientCode(token: string | undefined): string | undefined {
    const part = token?.replace(/^Bearer\s+/i, '').split('.')[1];
    if (!part) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Partial<Claims>;
      return typeof claims.username === 'string' ? claims.username : undefined;
    } catch {
      return undefined;
    }
  }

  private issue(clientCode: string, sid: string): TokenSet {
    this.live.add(sid);
    const now = this.clock.now();
    let exp = istDayStart(now) + CUTOFF_MS;
    // Never hand out a token that dies within the hour: push to the next day's cutoff.
    while (exp < now + 3_600_000) exp += DAY_MS;
    const sign = (typ: TokenKind, expMs: number): string => {
      const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
      const body = b64url(
        JSON.stringify({
          username: clientCode,
          sid,
          typ,
          iat: Math.floor(now / 1000),
          exp: Math.floor(expMs / 1000),
        }),
      );
      const sig = b64url(createHmac('sha256', this.key).update(`${header}.${body}`).digest());
      return `${header}.${body}.${sig}`;
    };
    return {
      jwtToken: sign('access', exp),
      refreshToken: sign('refresh', exp + DAY_MS),
      feedToken: sign('feed', exp),
    };
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
