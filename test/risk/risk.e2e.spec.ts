import { randomUUID } from 'node:crypto';
import { RiskService } from '../../src/risk/risk.service';
import { startTestApp, type TestApp } from '../support/app';
import { restartTestApp } from './restart-app';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('risk API (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let trader: string;
  let traderId: string;
  let viewer: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.login()).accessToken;
    trader = await t.userToken('tara', 'trader');
    viewer = await t.userToken('vic', 'viewer');
    traderId = (await t.http().get('/api/v1/auth/me').set(bearer(trader)).expect(200)).body.id;
  });
  afterAll(async () => t?.close());

  const audit = async (action: string) =>
    (await t.http().get('/api/v1/audit').query({ action }).set(bearer(admin)).expect(200)).body.items as {
      action: string;
      actorId: string | null;
      details: Record<string, unknown>;
    }[];

  it('shows the trading state, limits and breakers to traders and viewers, and nobody else', async () => {
    for (const token of [trader, viewer]) {
      const res = await t.http().get('/api/v1/risk/status').set(bearer(token)).expect(200);
      expect(res.body).toMatchObject({
        state: 'ACTIVE',
        equityPaise: expect.any(Number),
        dayPnlPaise: 0,
        openPositions: 0,
        limits: expect.objectContaining({
          maxDailyLossPaise: expect.any(Number),
          squareOffTime: expect.any(String),
        }),
        breakers: expect.objectContaining({ dailyLoss: expect.any(Boolean), staleFeed: expect.any(Boolean) }),
      });
    }
    await t.http().get('/api/v1/risk/status').expect(401);
  });

  it('lets only an admin change limits, names a bad field in the 400, and audits the change', async () => {
    const put = (token: string, body: object) =>
      t.http().put('/api/v1/risk/limits').set(bearer(token)).send(body);
    expect((await put(trader, { maxDailyLoss: 5000 }).expect(403)).body.code).toBe('FORBIDDEN');

    const bad = await put(admin, { maxDailyLoss: -5 }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('maxDailyLoss');
    const unknown = await put(admin, { maxDailyLos: 5 }).expect(400);
    expect(JSON.stringify(unknown.body)).toContain('maxDailyLos');
    const badBreaker = await put(admin, { breakers: { staleFeed: 'no' } }).expect(400);
    expect(JSON.stringify(badBreaker.body)).toContain('staleFeed');
    const badTime = await put(admin, { squareOffTime: '25:00' }).expect(400);
    expect(JSON.stringify(badTime.body)).toContain('squareOffTime');

    const ok = await put(admin, {
      maxDailyLoss: 5000.5,
      maxOrderQuantity: 250,
      breakers: { staleFeed: false },
    }).expect(200);
    expect(ok.body.limits).toMatchObject({ maxDailyLossPaise: 500050, maxOrderQuantity: 250 });
    expect(ok.body.breakers.staleFeed).toBe(false);
    const status = await t.http().get('/api/v1/risk/status').set(bearer(viewer)).expect(200);
    expect(status.body.limits).toMatchObject({ maxDailyLossPaise: 500050, maxOrderQuantity: 250 });

    const [entry] = await audit('risk.limits.update');
    expect(entry).toBeDefined();
    expect(entry.details).toMatchObject({
      request: { maxDailyLoss: 5000.5, maxOrderQuantity: 250 },
      after: { limits: { maxDailyLossPaise: 500050 } },
    });
    expect(
      (entry.details.before as { limits: { maxDailyLossPaise: number } }).limits.maxDailyLossPaise,
    ).not.toBe(500050);
  });

  it('halts on a trader kill switch; resume is refused to the trader and done by an admin, both audited', async () => {
    const kill = (token: string, body: object) =>
      t.http().post('/api/v1/risk/kill-switch').set(bearer(token)).send(body);
    await kill(viewer, { action: 'halt', reason: 'viewer tries' }).expect(403);
    expect(
      JSON.stringify((await kill(trader, { action: 'pause', reason: 'typo' }).expect(400)).body),
    ).toContain('action');
    expect(JSON.stringify((await kill(trader, { action: 'halt' }).expect(400)).body)).toContain('reason');

    const halted = await kill(trader, { action: 'halt', reason: 'feed looks wrong' }).expect(200);
    expect(halted.body).toMatchObject({ state: 'HALTED', cancelRequested: 0, flattenRequested: 0 });
    const status = (await t.http().get('/api/v1/risk/status').set(bearer(viewer)).expect(200)).body;
    expect(status).toMatchObject({ state: 'HALTED', reason: 'feed looks wrong', changedBy: traderId });

    const refused = await kill(trader, { action: 'resume', reason: 'all good now' }).expect(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    expect((await t.http().get('/api/v1/risk/status').set(bearer(trader))).body.state).toBe('HALTED');

    await kill(admin, { action: 'resume', reason: 'checked the feed' }).expect(200);
    expect((await t.http().get('/api/v1/risk/status').set(bearer(trader))).body.state).toBe('ACTIVE');

    const [halt] = await audit('risk.kill_switch.halt');
    expect(halt).toMatchObject({
      actorId: traderId,
      details: { reason: 'feed looks wrong', flatten: false },
    });
    const [resume] = await audit('risk.kill_switch.resume');
    expect(resume.details).toMatchObject({ reason: 'checked the feed', state: 'ACTIVE' });
    expect(await audit('risk.kill_switch.resume')).toHaveLength(1);
  });

  it('records pre-trade refusals with their reason codes, each user seeing their own', async () => {
    await t
      .http()
      .post('/api/v1/risk/kill-switch')
      .set(bearer(trader))
      .send({ action: 'halt', reason: 'test refusals' })
      .expect(200);
    const outcome = t.app.get(RiskService).check({
      clientOrderId: randomUUID(),
      symbol: 'NSE:SBIN-EQ',
      side: 'BUY',
      quantity: 3,
      type: 'MARKET',
      product: 'INTRADAY',
      validity: 'DAY',
      userId: traderId,
      createdAt: Date.now(),
    });
    expect(outcome).toMatchObject({ accepted: false, reason: 'TRADING_HALTED' });

    const mine = await eventually(
      async () => (await t.http().get('/api/v1/risk/rejections').set(bearer(trader)).expect(200)).body,
      (b: { total: number; items: Record<string, unknown>[] }) => b.total > 0,
    );
    expect(mine).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    expect(mine.items[0]).toMatchObject({
      reason: 'TRADING_HALTED',
      symbol: 'NSE:SBIN-EQ',
      side: 'BUY',
      quantity: 3,
      userId: traderId,
    });
    expect(Date.parse(String(mine.items[0].at))).not.toBeNaN();

    expect((await t.http().get('/api/v1/risk/rejections').set(bearer(viewer)).expect(200)).body.total).toBe(
      0,
    );
    const all = await t
      .http()
      .get('/api/v1/risk/rejections')
      .query({ reason: 'TRADING_HALTED' })
      .set(bearer(admin))
      .expect(200);
    expect(all.body.total).toBe(1);
    const other = await t
      .http()
      .get('/api/v1/risk/rejections')
      .query({ reason: 'MAX_DAILY_LOSS' })
      .set(bearer(admin))
      .expect(200);
    expect(other.body.total).toBe(0);
    await t.http().get('/api/v1/risk/rejections').query({ pageSize: 501 }).set(bearer(admin)).expect(400);
  });

  it('comes back HALTED, with its limits, after an app restart on the same database', async () => {
    await t
      .http()
      .post('/api/v1/risk/kill-switch')
      .set(bearer(trader))
      .send({ action: 'halt', reason: 'before restart' })
      .expect(200);
    t = await restartTestApp(t);
    const status = (await t.http().get('/api/v1/risk/status').set(bearer(viewer)).expect(200)).body;
    expect(status).toMatchObject({ state: 'HALTED', reason: 'before restart', changedBy: traderId });
    expect(status.limits).toMatchObject({ maxDailyLossPaise: 500050, maxOrderQuantity: 250 });
    expect(status.breakers.staleFeed).toBe(false);
    await t
      .http()
      .post('/api/v1/risk/kill-switch')
      .set(bearer(admin))
      .send({ action: 'resume', reason: 'after restart' })
      .expect(200);
    expect((await t.http().get('/api/v1/risk/status').set(bearer(viewer))).body.state).toBe('ACTIVE');
  });
});
