import { createHmac } from 'node:crypto';
import { ADMIN, startTestApp, type TestApp } from '../support/app';

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

function forgeJwt(header: object, payload: object, secret?: string): string {
  const head = `${b64url(header)}.${b64url(payload)}`;
  const sig = secret ? createHmac('sha256', secret).update(head).digest('base64url') : '';
  return `${head}.${sig}`;
}

describe('authentication and roles (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('logs in the bootstrap admin and answers /auth/me', async () => {
    const res = await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 1800 });
    expect(typeof res.body.accessToken).toBe('string');
    const me = await t
      .http()
      .get('/api/v1/auth/me')
      .set('authorization', `Bearer ${res.body.accessToken}`)
      .expect(200);
    expect(me.body).toMatchObject({ username: 'admin', role: 'admin', via: 'jwt' });
  });

  it('refuses a request without credentials with 401 and the error body', async () => {
    const res = await t.http().get('/api/v1/auth/me').expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect(res.body.requestId).toBeTruthy();
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });

  it('refuses a wrong password with 401', async () => {
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'admin', password: 'wrong-password' })
      .expect(401);
  });

  it('gives a viewer 403 on an admin route', async () => {
    const viewer = await t.userToken('vera', 'viewer');
    const res = await t.http().get('/api/v1/users').set('authorization', `Bearer ${viewer}`).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    await t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${viewer}`).expect(200);
  });

  it('refuses tampered, alg:none, expired and foreign tokens with 401', async () => {
    const { accessToken } = await t.login();
    const [h, p, s] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${b64url({ ...claims, sub: '00000000-0000-0000-0000-000000000000' })}.${s}`;
    const none = forgeJwt({ alg: 'none', typ: 'JWT' }, claims);
    const secret = t.config.secretKey;
    const expired = forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: 1000, exp: 2000 }, secret);
    const foreignSecret = forgeJwt(
      { alg: 'HS256', typ: 'JWT' },
      claims,
      'some-other-secret-some-other-secret-123',
    );
    const foreignAudience = forgeJwt(
      { alg: 'HS256', typ: 'JWT' },
      { ...claims, aud: 'someone-else' },
      secret,
    );
    const foreignIssuer = forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'evil' }, secret);
    const wrongAlg = forgeJwt({ alg: 'HS512', typ: 'JWT' }, claims, secret);
    for (const [name, token] of Object.entries({
      tampered,
      none,
      expired,
      foreignSecret,
      foreignAudience,
      foreignIssuer,
      wrongAlg,
    })) {
      const res = await t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${token}`);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
    }
    // The genuine token still works: the refusals above are about the forgeries.
    await t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${accessToken}`).expect(200);
  });

  it('rotates refresh tokens and revokes the family when a rotated one is reused', async () => {
    const first = await t.login();
    const second = (
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)
    ).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // Reusing the rotated token is theft or a bug: 401, and the whole family dies, including `second`.
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
  });

  it('logout revokes the access token and the refresh family', async () => {
    const pair = await t.login();
    await t
      .http()
      .post('/api/v1/auth/logout')
      .set('authorization', `Bearer ${pair.accessToken}`)
      .send({ refreshToken: pair.refreshToken })
      .expect(204);
    await t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${pair.accessToken}`).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
  });

  it('names the bad field in a 400 for a bad body, unknown fields and malformed JSON', async () => {
    const missing = await t.http().post('/api/v1/auth/login').send({ username: 'admin' }).expect(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
    expect(missing.body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'password' })]),
    );
    const extra = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ ...ADMIN, role: 'admin' })
      .expect(400);
    expect(extra.body.message).toContain('role');
    const wrongType = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 5, password: 'x' })
      .expect(400);
    expect(wrongType.body.details[0].field).toBe('username');
    const malformed = await t
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send('{"username": ')
      .expect(400);
    expect(malformed.body.statusCode).toBe(400);
  });

  it('answers 413 for an oversized body and JSON 404 for unknown routes', async () => {
    const big = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'a', password: 'x'.repeat(2_000_000) });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    const nf = await t.http().get('/api/v1/no-such-route').expect(404);
    expect(nf.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('manages users: create, change role, disable (tokens stop working), reset password', async () => {
    const admin = (await t.login()).accessToken;
    const auth = { authorization: `Bearer ${admin}` };
    const created = (
      await t
        .http()
        .post('/api/v1/users')
        .set(auth)
        .send({ username: 'Tara', password: 'tara-password-1', role: 'trader' })
        .expect(201)
    ).body;
    expect(created).toMatchObject({ username: 'tara', role: 'trader', disabled: false });
    expect(created.passwordHash).toBeUndefined();
    await t
      .http()
      .post('/api/v1/users')
      .set(auth)
      .send({ username: 'tara', password: 'tara-password-1', role: 'trader' })
      .expect(409);
    const taraToken = (await t.login('tara', 'tara-password-1')).accessToken;
    await t.http().patch(`/api/v1/users/${created.id}`).set(auth).send({ role: 'viewer' }).expect(200);
    await t
      .http()
      .patch(`/api/v1/users/${created.id}`)
      .set(auth)
      .send({ password: 'tara-password-2' })
      .expect(200);
    await t.login('tara', 'tara-password-2');
    const list = (await t.http().get('/api/v1/users').set(auth).expect(200)).body as { username: string }[];
    expect(list.map((u) => u.username)).toContain('tara');
    await t.http().delete(`/api/v1/users/${created.id}`).set(auth).expect(200);
    // The user cache lives 5 s; a disabled user's login is refused at once.
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'tara', password: 'tara-password-2' })
      .expect(401);
    await new Promise((r) => setTimeout(r, 5200));
    await t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${taraToken}`).expect(401);
  });

  it('issues API keys shown once, accepted as X-API-Key or bearer, never above the creator role', async () => {
    const trader = await t.userToken('kbot', 'trader');
    const auth = { authorization: `Bearer ${trader}` };
    await t.http().post('/api/v1/api-keys').set(auth).send({ name: 'too-high', role: 'admin' }).expect(403);
    const created = (
      await t.http().post('/api/v1/api-keys').set(auth).send({ name: 'bot', role: 'viewer' }).expect(201)
    ).body;
    expect(created.key).toMatch(/^tbk_/);
    const viaHeader = await t.http().get('/api/v1/auth/me').set('x-api-key', created.key).expect(200);
    expect(viaHeader.body).toMatchObject({ username: 'kbot', role: 'viewer', via: 'api-key' });
    await t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${created.key}`).expect(200);
    const listed = (await t.http().get('/api/v1/api-keys').set(auth).expect(200)).body;
    expect(listed).toHaveLength(1);
    expect(listed[0].key).toBeUndefined();
    await t.http().delete(`/api/v1/api-keys/${created.id}`).set(auth).expect(204);
    await t.http().get('/api/v1/auth/me').set('x-api-key', created.key).expect(401);
  });

  it('throttles logins per username with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(
        (await t.http().post('/api/v1/auth/login').send({ username: 'throttled', password: 'wrong' })).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('writes logins, failures and user changes to a verifiable audit chain', async () => {
    const admin = (await t.login()).accessToken;
    const auth = { authorization: `Bearer ${admin}` };
    const page = (await t.http().get('/api/v1/audit?pageSize=500').set(auth).expect(200)).body;
    const actions = new Set((page.items as { action: string }[]).map((i) => i.action));
    for (const a of [
      'user.bootstrap',
      'auth.login.success',
      'auth.login.failure',
      'user.create',
      'user.update',
      'api_key.create',
      'api_key.revoke',
    ]) {
      expect(actions).toContain(a);
    }
    expect(JSON.stringify(page)).not.toContain('tara-password');
    const verify = (await t.http().get('/api/v1/audit/verify').set(auth).expect(200)).body;
    expect(verify).toMatchObject({ ok: true });
    expect(verify.checked).toBeGreaterThan(5);
  });
});
