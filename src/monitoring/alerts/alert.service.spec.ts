import { ManualClock } from '@/common/clock';
import { MemoryAlertStore } from './alert-store';
import { AlertService, type DedupClaim } from './alert.service';
import type { AlertChannel, AlertMessage } from './alert.types';

class RecordingChannel implements AlertChannel {
  readonly sent: AlertMessage[] = [];
  failuresLeft = 0;
  constructor(readonly name = 'fake') {}
  async send(a: AlertMessage): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('HTTP 502');
    }
    this.sent.push(a);
  }
}

function setup(opts: { max?: number; channels?: AlertChannel[]; dedup?: DedupClaim } = {}) {
  const clock = new ManualClock(Date.UTC(2025, 0, 6, 4, 0));
  const store = new MemoryAlertStore();
  const channel = new RecordingChannel();
  const svc = new AlertService({
    channels: opts.channels ?? [channel],
    store,
    clock,
    dedupWindowMs: 60_000,
    rateLimit: { max: opts.max ?? 100, windowMs: 60_000 },
    retryDelayMs: 1,
    dedup: opts.dedup,
  });
  return { clock, store, channel, svc };
}

describe('AlertService', () => {
  it('delivers once per key within the de-duplication window and counts the repeats in history', async () => {
    const { svc, channel, store, clock } = setup();
    const a = await svc.raise({ key: 'feed.stale', severity: 'warning', title: 'No tick for 40 s' });
    expect(a.outcome).toBe('delivered');
    clock.advance(10_000);
    expect(
      (await svc.raise({ key: 'feed.stale', severity: 'warning', title: 'No tick for 50 s' })).outcome,
    ).toBe('deduplicated');
    expect((await svc.raise({ key: 'feed.stale', severity: 'info', title: 'lower severity' })).outcome).toBe(
      'deduplicated',
    );
    expect(channel.sent).toHaveLength(1);
    expect(store.rows).toHaveLength(1);
    expect(store.rows[0]).toMatchObject({ occurrences: 3, status: 'delivered' });

    clock.advance(60_000);
    await svc.raise({ key: 'feed.stale', severity: 'warning', title: 'still stale' });
    expect(channel.sent).toHaveLength(2);
    expect(channel.sent[1].suppressed).toBe(2);
  });

  it('lets an escalation through the window (warning -> critical) but not a second critical', async () => {
    const { svc, channel } = setup();
    await svc.raise({ key: 'portfolio.drawdown', severity: 'warning', title: '6%' });
    await svc.raise({ key: 'portfolio.drawdown', severity: 'critical', title: '11%' });
    await svc.raise({ key: 'portfolio.drawdown', severity: 'critical', title: '12%' });
    expect(channel.sent.map((a) => a.title)).toEqual(['6%', '11%']);
  });

  it('resolve() ends the window so the next occurrence alerts at once', async () => {
    const { svc, channel, store } = setup();
    await svc.raise({ key: 'risk.kill_switch', severity: 'critical', title: 'trip 1' });
    await svc.resolve('risk.kill_switch');
    await svc.raise({ key: 'risk.kill_switch', severity: 'critical', title: 'trip 2' });
    expect(channel.sent.map((a) => a.title)).toEqual(['trip 1', 'trip 2']);
    expect(store.rows[0].resolvedAt).toBeInstanceOf(Date);
    expect(store.rows[1].resolvedAt).toBeNull();
  });

  it('rate-limits info and warning deliveries across keys but never drops a critical one', async () => {
    const { svc, channel, store, clock } = setup({ max: 3 });
    const outcomes = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(
        (await svc.raise({ key: `strategy.losses:s${i}`, severity: 'warning', title: `s${i}` })).outcome,
      );
    expect(outcomes).toEqual(['delivered', 'delivered', 'delivered', 'rate_limited', 'rate_limited']);
    expect((await svc.raise({ key: 'risk.kill_switch', severity: 'critical', title: 'trip' })).outcome).toBe(
      'delivered',
    );
    expect(channel.sent.map((a) => a.title)).toEqual(['s0', 's1', 's2', 'trip']);
    expect(store.rows.filter((r) => r.status === 'rate_limited').map((r) => r.title)).toEqual(['s3', 's4']);

    clock.advance(60_000);
    expect((await svc.raise({ key: 'strategy.losses:s9', severity: 'warning', title: 's9' })).outcome).toBe(
      'delivered',
    );
  });

  it('retries a failing channel, reports partial delivery and keeps the error in history', async () => {
    const good = new RecordingChannel('telegram');
    const flaky = new RecordingChannel('webhook');
    const dead = new RecordingChannel('dead');
    flaky.failuresLeft = 1;
    dead.failuresLeft = 99;
    const { svc, store } = setup({ channels: [good, flaky, dead] });
    const r = await svc.raise({ key: 'orders.failed', severity: 'critical', title: 'order failed' });
    expect(r.outcome).toBe('partial');
    expect(flaky.sent).toHaveLength(1);
    expect(store.rows[0].deliveries).toEqual([
      { channel: 'telegram', ok: true, attempts: 1 },
      { channel: 'webhook', ok: true, attempts: 2 },
      { channel: 'dead', ok: false, attempts: 2, error: 'HTTP 502' },
    ]);
  });

  it('never throws when the history store fails, and still delivers', async () => {
    const { svc, channel, store } = setup();
    store.insert = () => Promise.reject(new Error('db down'));
    await expect(
      svc.raise({ key: 'broker.session', severity: 'critical', title: 'session down' }),
    ).resolves.toMatchObject({ outcome: 'delivered' });
    expect(channel.sent).toHaveLength(1);
  });

  it('defers to the cross-process claim: another process holding the key means no delivery here', async () => {
    const claimed = new Set<string>();
    const dedup: DedupClaim = {
      claim: async (k, s) => (claimed.has(`${k}:${s}`) ? false : (claimed.add(`${k}:${s}`), true)),
      release: async () => undefined,
    };
    const one = setup({ dedup });
    const two = setup({ dedup });
    await one.svc.raise({ key: 'feed.stale', severity: 'critical', title: 'from feed' });
    await two.svc.raise({ key: 'feed.stale', severity: 'critical', title: 'from api' });
    expect(one.channel.sent).toHaveLength(1);
    expect(two.channel.sent).toHaveLength(0);
  });

  it('records alerts with no channel configured as no_channel', async () => {
    const { svc, store } = setup({ channels: [] });
    expect((await svc.raise({ key: 'x', severity: 'info', title: 't' })).outcome).toBe('no_channel');
    expect(store.rows[0].status).toBe('no_channel');
  });
});
