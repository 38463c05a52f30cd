import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@/monitoring/alerts/alert-signing';
import { startTestApp, type TestApp } from '../support/app';

const SECRET = 'e2e-webhook-secret';

describe('alerts end to end: kill switch -> signed webhook -> GET /api/v1/alerts', () => {
  let t: TestApp;
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    t = await startTestApp({
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      ALERT_WEBHOOK_SECRET: SECRET,
    });
  });

  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a kill-switch halt through the API arrives signed at the webhook and is listed in the history', async () => {
    const admin = await t.login();
    const halt = await t
      .http()
      .post('/api/v1/risk/kill-switch')
      .set('authorization', `Bearer ${admin.accessToken}`)
      .send({ action: 'halt', reason: 'e2e drill' });
    expect(halt.status).toBe(200);

    const deadline = Date.now() + 10_000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(1);
    const { headers, body } = got[0];
    const verdict = verifyWebhook(
      body,
      { signature: headers['x-signature'] as string, timestamp: headers['x-signature-timestamp'] as string },
      SECRET,
      Math.floor(Date.now() / 1000),
    );
    expect(verdict).toEqual({ ok: true });
    expect(JSON.parse(body).alert).toMatchObject({ key: 'risk.kill_switch', severity: 'critical' });
    expect(JSON.parse(body).alert.title).toContain('Kill switch engaged');

    const trader = await t.userToken('alert-trader', 'trader');
    let list = await t
      .http()
      .get('/api/v1/alerts?key=risk.kill_switch')
      .set('authorization', `Bearer ${trader}`);
    for (let i = 0; i < 40 && list.body.items?.[0]?.status !== 'delivered'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      list = await t
        .http()
        .get('/api/v1/alerts?key=risk.kill_switch')
        .set('authorization', `Bearer ${trader}`);
    }
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    expect(list.body.items[0]).toMatchObject({
      key: 'risk.kill_switch',
      severity: 'critical',
      status: 'delivered',
    });
    expect(list.body.items[0].deliveries).toEqual([{ channel: 'webhook', ok: true, attempts: 1 }]);
  });

  it('the history needs the trader role and validates its query', async () => {
    const viewer = await t.userToken('alert-viewer', 'viewer');
    expect((await t.http().get('/api/v1/alerts').set('authorization', `Bearer ${viewer}`)).status).toBe(403);
    expect((await t.http().get('/api/v1/alerts')).status).toBe(401);
    const admin = await t.login();
    const bad = await t
      .http()
      .get('/api/v1/alerts?pageSize=1000&severity=loud')
      .set('authorization', `Bearer ${admin.accessToken}`);
    expect(bad.status).toBe(400);
  });
});
