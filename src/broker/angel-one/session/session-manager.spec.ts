import { appError, FakeSmartApi, gatewayError, ok } from '../../../../test/broker/fixtures/fake-smartapi';
import { silentLogger } from '@/broker/broker-logger';
import { HttpTransport } from '../http-transport';
import { AngelRestClient } from '../rest-client';
import { CredentialCipher } from './credential-cipher';
import { jwtExpiry, msUntilIst, SessionManager } from './session-manager';
import { MemorySessionStore } from './session-store';
import { totpCode } from './totp';

const LOGIN = '/rest/auth/angelbroking/user/v1/loginByPassword';
const REFRESH = '/rest/auth/angelbroking/jwt/v1/generateTokens';
const RMS = '/rest/secure/angelbroking/user/v1/getRMS';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function jwt(expSec: number, n = 1): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS512' })}.${enc({ sub: 'A1', n, exp: expSec })}.sig${n}`;
}

describe('SessionManager', () => {
  let api: FakeSmartApi;
  let store: MemorySessionStore;
  let t: number;

  beforeEach(async () => {
    api = await new FakeSmartApi().start();
    store = new MemorySessionStore();
    t = Date.UTC(2026, 0, 5, 4, 0, 0);
  });
  afterEach(() => api.stop());

  function make() {
    const session = new SessionManager({
      clientCode: 'A1',
      pin: '4321',
      totpSecret: SECRET,
      store,
      now: () => t,
      minLoginIntervalMs: 50,
      logger: silentLogger,
    });
    const http = new HttpTransport({
      baseUrl: api.url,
      apiKey: 'k',
      publicIp: '203.0.113.7',
      timeoutMs: 500,
      readRetries: 0,
    });
    session.attach(new AngelRestClient(http, () => session.jwt()));
    return { session, rest: new AngelRestClient(http, () => session.jwt()) };
  }

  const tokens = (n: number) => ({
    jwtToken: jwt(t / 1000 + 3600, n),
    refreshToken: `r${n}`,
    feedToken: `f${n}`,
  });
  const logins = () => api.seen.filter((r) => r.path === LOGIN);

  it('logs in with client code, MPIN and the current TOTP, stores the session and reports CONNECTED', async () => {
    api.on(LOGIN, () => ok(tokens(1))());
    const { session } = make();
    await session.ensure();
    expect(JSON.parse(logins()[0].body)).toEqual({
      clientcode: 'A1',
      password: '4321',
      totp: totpCode(SECRET, t),
    });
    expect(session.status().state).toBe('CONNECTED');
    expect(session.jwt()).toBe(tokens(1).jwtToken);
    expect((await store.load('A1'))?.tokens.feedToken).toBe('f1');
  });

  it('reuses a stored live session after a restart without logging in', async () => {
    await store.save('A1', { tokens: tokens(7), obtainedAt: t - 1000, expiresAt: t + 3_600_000 });
    const { session } = make();
    await session.ensure();
    expect(logins()).toHaveLength(0);
    expect(session.feedToken()).toBe('f7');
  });

  it('re-logs in exactly once on an expired-token answer, then retries the call', async () => {
    api.on(
      LOGIN,
      () => ok(tokens(1))(),
      () => ok(tokens(2))(),
    );
    api.on(RMS, gatewayError('AG8001', 'Invalid Token'), () => ok({ net: '5.00' })());
    const { session, rest } = make();
    const rms = await session.withSession(() => rest.getRMS());
    expect(rms.net).toBe(500);
    expect(logins()).toHaveLength(2);
    expect(session.jwt()).toBe(tokens(2).jwtToken);
  });

  it('does not loop when the token stays expired after the re-login', async () => {
    api.on(LOGIN, () => ok(tokens(1))());
    api.on(RMS, gatewayError('AG8002', 'Token Expired'));
    const { session, rest } = make();
    await expect(session.withSession(() => rest.getRMS())).rejects.toMatchObject({
      kind: 'auth',
      code: 'AG8002',
    });
    expect(api.seen.filter((r) => r.path === RMS)).toHaveLength(2);
  });

  it('wrong credentials: one clear error, FAILED state, and no further login until the backoff passes', async () => {
    api.on(LOGIN, appError('AB1050', 'Invalid totp'));
    const { session } = make();
    await expect(session.ensure()).rejects.toMatchObject({ kind: 'auth', code: 'AB1050' });
    const st = session.status();
    expect(st.state).toBe('FAILED');
    expect(st.reason).toMatch(/ANGEL_PIN/);
    expect(st.reason).not.toContain('4321');
    for (let i = 0; i < 5; i++) {
      t += 1500;
      await expect(session.ensure()).rejects.toThrow(/next login attempt/);
    }
    expect(logins()).toHaveLength(1);
    t += 31_000;
    await expect(session.ensure()).rejects.toMatchObject({ code: 'AB1050' });
    expect(logins()).toHaveLength(2);
  });

  it('refreshes with the refresh token when the JWT is about to expire', async () => {
    api.on(LOGIN, () => ok({ ...tokens(1), jwtToken: jwt(t / 1000 + 4) })());
    api.on(REFRESH, () => ok(tokens(3))());
    const { session } = make();
    await session.ensure();
    t += 1000; // within 5 s of expiry
    await session.ensure();
    expect(JSON.parse(api.seen.find((r) => r.path === REFRESH)!.body)).toEqual({ refreshToken: 'r1' });
    expect(session.feedToken()).toBe('f3');
    expect(logins()).toHaveLength(1);
    session.stop();
  });

  it('logs out and back in at the configured IST time each day', async () => {
    api.on(
      LOGIN,
      () => ok(tokens(1))(),
      () => ok(tokens(2))(),
    );
    api.on('/rest/secure/angelbroking/user/v1/logout', ok(null));
    // A clock running in real time that reads 08:29:59.8 IST now, so the daily re-login is 200 ms away.
    const offset = Date.UTC(2026, 0, 5, 2, 59, 59, 800) - Date.now();
    const session = new SessionManager({
      clientCode: 'A1',
      pin: '4321',
      totpSecret: SECRET,
      store,
      now: () => Date.now() + offset,
      dailyReloginTime: '08:30',
      minLoginIntervalMs: 10,
      logger: silentLogger,
    });
    const http = new HttpTransport({
      baseUrl: api.url,
      apiKey: 'k',
      publicIp: '203.0.113.7',
      timeoutMs: 500,
      readRetries: 0,
    });
    session.attach(new AngelRestClient(http, () => session.jwt()));
    await session.start();
    expect(session.feedToken()).toBe('f1');
    await new Promise((r) => setTimeout(r, 600));
    expect(api.seen.map((r) => r.path.split('/').pop())).toEqual([
      'loginByPassword',
      'logout',
      'loginByPassword',
    ]);
    expect(session.feedToken()).toBe('f2');
    session.stop();
  });

  it('computes the next IST wall-clock time and reads JWT expiry', () => {
    const at0300Utc = Date.UTC(2026, 0, 5, 3, 0); // 08:30 IST
    expect(msUntilIst('08:45', at0300Utc)).toBe(15 * 60_000);
    expect(msUntilIst('08:30', at0300Utc)).toBe(86_400_000);
    expect(jwtExpiry(jwt(1234))).toBe(1_234_000);
    expect(jwtExpiry('opaque')).toBeNull();
  });
});

describe('CredentialCipher', () => {
  const key = Buffer.alloc(32, 7);
  it('round-trips, and refuses another key, another row and a tampered blob', () => {
    const c = new CredentialCipher(key);
    const blob = c.encrypt('{"jwtToken":"secret-jwt"}', 'A1');
    expect(blob).not.toContain('secret-jwt');
    expect(c.decrypt(blob, 'A1')).toBe('{"jwtToken":"secret-jwt"}');
    expect(c.decrypt(blob, 'B2')).toBeNull();
    expect(new CredentialCipher(Buffer.alloc(32, 8)).decrypt(blob, 'A1')).toBeNull();
    const parts = blob.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(c.decrypt(parts.join('.'), 'A1')).toBeNull();
  });
});
