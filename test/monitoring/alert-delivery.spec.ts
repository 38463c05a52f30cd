import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertService } from '@/monitoring/alerts/alert.service';
import { MemoryAlertStore } from '@/monitoring/alerts/alert-store';
import { verifyWebhook } from '@/monitoring/alerts/alert-signing';
import { subscribeRiskAlerts, type RiskStateSource } from '@/monitoring/alerts/risk-alerts';
import type { RiskStateEvent } from '@/monitoring/alerts/risk-state.event';
import { TelegramChannel } from '@/monitoring/alerts/telegram.channel';
import { WebhookChannel } from '@/monitoring/alerts/webhook.channel';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP receiver on 127.0.0.1:0 that records requests and answers with `reply`. */
async function receiver(reply: (r: Received) => { status: number; json: unknown }) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      got.push(r);
      const { status, json } = reply(r);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { got, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The slice of the EventBus the subscription uses, with the same synchronous fan-out. */
class Bus implements RiskStateSource {
  private readonly handlers: ((e: RiskStateEvent) => void)[] = [];
  on(_event: 'risk.state', h: (e: RiskStateEvent) => void): () => void {
    this.handlers.push(h);
    return () => this.handlers.splice(this.handlers.indexOf(h), 1);
  }
  emit(e: RiskStateEvent): void {
    this.handlers.forEach((h) => h(e));
  }
}

const SECRET = 'webhook-secret-for-tests';
const BOT_TOKEN = '123456:TEST-token-never-logged';

describe('alert delivery to local receivers', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => Promise.all(closers.map((c) => c())));

  it('a webhook arrives as JSON with a valid HMAC signature and timestamp', async () => {
    const hook = await receiver(() => ({ status: 204, json: {} }));
    closers.push(hook.close);
    const svc = new AlertService({
      channels: [new WebhookChannel({ url: `${hook.url}/hooks/alerts`, secret: SECRET })],
    });
    const r = await svc.raise({
      key: 'broker.session',
      severity: 'critical',
      title: 'Broker session is down',
      details: { code: 'AG8001' },
    });

    expect(r.outcome).toBe('delivered');
    expect(hook.got).toHaveLength(1);
    const [req] = hook.got;
    expect(req.path).toBe('/hooks/alerts');
    expect(req.headers['content-type']).toBe('application/json');
    const verdict = verifyWebhook(
      req.body,
      {
        signature: req.headers['x-signature'] as string,
        timestamp: req.headers['x-signature-timestamp'] as string,
      },
      SECRET,
      Math.floor(Date.now() / 1000),
    );
    expect(verdict).toEqual({ ok: true });
    expect(JSON.parse(req.body)).toMatchObject({
      source: 'trading-bot',
      alert: {
        key: 'broker.session',
        severity: 'critical',
        title: 'Broker session is down',
        details: { code: 'AG8001' },
        suppressed: 0,
      },
    });
  });

  it('a receiver answering 500 is retried and then reported as failed, naming only the host', async () => {
    const hook = await receiver(() => ({ status: 500, json: { error: 'boom' } }));
    closers.push(hook.close);
    const svc = new AlertService({
      channels: [new WebhookChannel({ url: `${hook.url}/x?token=abc`, secret: SECRET })],
      retryDelayMs: 1,
      logger: { warn: () => undefined, error: () => undefined },
    });
    const r = await svc.raise({ key: 'api.errors', severity: 'warning', title: '5xx' });
    expect(r).toMatchObject({
      outcome: 'failed',
      deliveries: [{ channel: 'webhook', ok: false, attempts: 2 }],
    });
    expect(hook.got).toHaveLength(2);
    const error = r.outcome === 'failed' ? r.deliveries[0].error : '';
    expect(error).toMatch(/^webhook 127\.0\.0\.1:\d+ answered HTTP 500$/);
  });

  it('the fake Telegram API receives sendMessage for the configured chat', async () => {
    const tg = await receiver(() => ({ status: 200, json: { ok: true, result: { message_id: 1 } } }));
    closers.push(tg.close);
    const svc = new AlertService({
      channels: [new TelegramChannel({ botToken: BOT_TOKEN, chatId: '-100200300', baseUrl: tg.url })],
    });
    const r = await svc.raise({
      key: 'feed.stale',
      severity: 'warning',
      title: 'No tick for <40 s> & counting',
      details: { exchange: 'NSE' },
    });

    expect(r.outcome).toBe('delivered');
    expect(tg.got).toHaveLength(1);
    expect(tg.got[0].path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    const msg = JSON.parse(tg.got[0].body);
    expect(msg).toMatchObject({ chat_id: '-100200300', parse_mode: 'HTML' });
    expect(msg.text).toContain('<b>No tick for &lt;40 s&gt; &amp; counting</b>');
    expect(msg.text).toContain('exchange: NSE');
  });

  it('a Telegram refusal (ok: false) is a failed delivery whose error never contains the bot token', async () => {
    const tg = await receiver(() => ({
      status: 400,
      json: { ok: false, description: 'Bad Request: chat not found' },
    }));
    closers.push(tg.close);
    const svc = new AlertService({
      channels: [new TelegramChannel({ botToken: BOT_TOKEN, chatId: 'nope', baseUrl: tg.url })],
      retryDelayMs: 1,
      logger: { warn: () => undefined, error: () => undefined },
    });
    const r = await svc.raise({ key: 'x', severity: 'info', title: 't' });
    expect(r.outcome).toBe('failed');
    const error = r.outcome === 'failed' ? (r.deliveries[0].error ?? '') : '';
    expect(error).toBe('telegram answered HTTP 400: Bad Request: chat not found');
    expect(error).not.toContain('TEST-token');
  });

  it('a kill-switch trip on risk.state arrives signed at the webhook, once, and again after a reset', async () => {
    const hook = await receiver(() => ({ status: 200, json: {} }));
    closers.push(hook.close);
    const store = new MemoryAlertStore();
    const svc = new AlertService({
      channels: [new WebhookChannel({ url: hook.url, secret: SECRET })],
      store,
    });
    const bus = new Bus();
    subscribeRiskAlerts(bus, svc);

    const trip: RiskStateEvent = {
      state: 'HALTED',
      previous: 'ACTIVE',
      killSwitch: true,
      reason: 'OPERATOR',
      actor: 'admin',
      at: Date.UTC(2025, 0, 6, 5, 0),
    };
    bus.emit(trip);
    bus.emit({ ...trip, previous: 'HALTED' }); // a repeated state event must not re-alert
    await svc.drain();

    expect(hook.got).toHaveLength(1);
    const { body, headers } = hook.got[0];
    expect(
      verifyWebhook(
        body,
        {
          signature: headers['x-signature'] as string,
          timestamp: headers['x-signature-timestamp'] as string,
        },
        SECRET,
        Math.floor(Date.now() / 1000),
      ),
    ).toEqual({ ok: true });
    expect(JSON.parse(body).alert).toMatchObject({
      key: 'risk.kill_switch',
      severity: 'critical',
      title: 'Kill switch engaged (OPERATOR): new orders are blocked',
      details: { state: 'HALTED', reason: 'OPERATOR', actor: 'admin', at: '2025-01-06T05:00:00.000Z' },
    });

    bus.emit({
      state: 'ACTIVE',
      previous: 'HALTED',
      killSwitch: false,
      actor: 'admin',
      at: trip.at + 60_000,
    });
    bus.emit({ ...trip, at: trip.at + 120_000 });
    await svc.drain();
    expect(hook.got.map((g) => JSON.parse(g.body).alert.key)).toEqual([
      'risk.kill_switch',
      'risk.kill_switch.reset',
      'risk.kill_switch',
    ]);
    expect(store.rows.find((r) => r.key === 'risk.kill_switch')?.resolvedAt).toBeInstanceOf(Date);
  });
});
