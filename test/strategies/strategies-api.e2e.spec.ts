import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EventBus } from '@/common/event-bus';
import type { Signal } from '@/domain/execution';
import { StrategyEngineHost } from '@/strategies/nest/strategy-engine.host';
import { candle, FLAT_PORTFOLIO } from '@/strategies/testing/fakes';
import { startTestApp, type TestApp } from '../support/app';

describe('strategies API (HTTP, real app)', () => {
  let t: TestApp;
  let dir: string;
  let trader: string;
  let other: string;
  let viewer: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'user-strategies-'));
    writeFileSync(join(dir, 'broken.js'), 'module.exports = {');
    writeFileSync(
      join(dir, 'noop.js'),
      `exports.register = (sdk) => class extends sdk.Strategy {
        constructor(p) { super(p); this.id = 'noop'; this.name = 'No-op'; this.description = 'does nothing'; this.paramsSchema = sdk.defineParams({}); }
        warmupBars() { return 0; }
      };`,
    );
    t = await startTestApp({
      APP_ROLES: 'api',
      STRATEGIES_DIR: dir,
      DEMO_STRATEGY: 'true',
      TRADING_MODE: 'simulated',
      MARKET_WATCHLIST: 'NSE:SBIN-EQ,NSE:INFY-EQ',
    });
    trader = await t.userToken('strader', 'trader');
    other = await t.userToken('strader2', 'trader');
    viewer = await t.userToken('sviewer', 'viewer');
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the demo SMA crossover on the watchlist on first start in simulated mode', async () => {
    const res = await t.http().get('/api/v1/strategies').set(auth(viewer));
    expect(res.status).toBe(200);
    const demo = (res.body as Array<Record<string, unknown>>).find((s) => s.isDemo);
    expect(demo).toMatchObject({
      type: 'sma-crossover',
      symbols: ['NSE:SBIN-EQ', 'NSE:INFY-EQ'],
      timeframe: '1m',
      desiredState: 'RUNNING',
      params: { fast: 5, slow: 20 },
    });
  });

  it('lists types with parameter schemas and the user modules that failed to load', async () => {
    const res = await t.http().get('/api/v1/strategies/types').set(auth(viewer));
    expect(res.status).toBe(200);
    expect(res.body.types.map((x: { id: string }) => x.id)).toEqual([
      'sma-crossover',
      'rsi-mean-reversion',
      'bollinger-breakout',
      'tick-scalper',
      'noop',
    ]);
    expect(res.body.types[0].params).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'fast', default: 20, min: 2, max: 500 })]),
    );
    expect(res.body.loadErrors).toEqual([
      { file: join(dir, 'broken.js'), message: expect.stringMatching(/Unexpected end of input/) },
    ]);
  });

  it('refuses bad parameters with a 400 naming them, unknown types, and viewers', async () => {
    const base = { type: 'sma-crossover', name: 'bad', symbols: ['NSE:SBIN-EQ'], timeframe: '5m' };
    const out = await t
      .http()
      .post('/api/v1/strategies')
      .set(auth(trader))
      .send({ ...base, params: { fast: 0 } });
    expect(out.status).toBe(400);
    expect(out.body.code).toBe('INVALID_STRATEGY_PARAMS');
    expect(out.body.message).toMatch(/'fast'/);
    expect(out.body.details.problems).toEqual([expect.objectContaining({ param: 'fast' })]);
    const cross = await t
      .http()
      .post('/api/v1/strategies')
      .set(auth(trader))
      .send({ ...base, params: { fast: 60 } });
    expect(cross.status).toBe(400);
    expect(cross.body.message).toMatch(/'fast' \(60\) must be below 'slow' \(50\)/);
    expect(
      (
        await t
          .http()
          .post('/api/v1/strategies')
          .set(auth(trader))
          .send({ ...base, type: 'nope' })
      ).body.code,
    ).toBe('STRATEGY_UNKNOWN_TYPE');
    expect(
      (
        await t
          .http()
          .post('/api/v1/strategies')
          .set(auth(trader))
          .send({ ...base, timeframe: '2m' })
      ).status,
    ).toBe(400);
    expect((await t.http().post('/api/v1/strategies').set(auth(viewer)).send(base)).status).toBe(403);
  });

  it('creates, reads, changes, starts, stops and deletes an instance, auditing every change', async () => {
    const created = await t
      .http()
      .post('/api/v1/strategies')
      .set(auth(trader))
      .send({
        type: 'rsi-mean-reversion',
        name: 'SBIN RSI',
        symbols: ['NSE:SBIN-EQ'],
        timeframe: '5m',
        params: { period: '10' },
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'rsi-mean-reversion',
      status: 'STOPPED',
      desiredState: 'STOPPED',
      params: { period: 10, oversold: 30, overbought: 70 },
    });
    const id = created.body.id as string;
    expect(
      (
        await t
          .http()
          .post('/api/v1/strategies')
          .set(auth(trader))
          .send({ type: 'rsi-mean-reversion', name: 'SBIN RSI', symbols: ['NSE:SBIN-EQ'], timeframe: '5m' })
      ).status,
    ).toBe(409);

    const patched = await t
      .http()
      .patch(`/api/v1/strategies/${id}`)
      .set(auth(trader))
      .send({ params: { oversold: 25 } });
    expect(patched.status).toBe(200);
    expect(patched.body.params).toMatchObject({ oversold: 25, period: 14 });
    expect(
      (
        await t
          .http()
          .patch(`/api/v1/strategies/${id}`)
          .set(auth(trader))
          .send({ params: { overbought: 101 } })
      ).body.message,
    ).toMatch(/'overbought'/);
    expect((await t.http().post(`/api/v1/strategies/${id}/start`).set(auth(other))).status).toBe(403);

    const started = await t.http().post(`/api/v1/strategies/${id}/start`).set(auth(trader));
    expect(started.body).toMatchObject({ desiredState: 'RUNNING' });
    const stopped = await t.http().post(`/api/v1/strategies/${id}/stop`).set(auth(trader));
    expect(stopped.body).toMatchObject({ desiredState: 'STOPPED', status: 'STOPPED' });
    expect((await t.http().get(`/api/v1/strategies/${id}`).set(auth(viewer))).body.name).toBe('SBIN RSI');
    expect((await t.http().delete(`/api/v1/strategies/${id}`).set(auth(viewer))).status).toBe(403);
    expect((await t.http().delete(`/api/v1/strategies/${id}`).set(auth(trader))).status).toBe(204);
    expect((await t.http().get(`/api/v1/strategies/${id}`).set(auth(viewer))).status).toBe(404);

    const actions = await t.app
      .get(DataSource)
      .query(`SELECT action FROM audit_log WHERE target = $1 ORDER BY id`, [`strategy:${id}`]);
    expect(actions.map((a: { action: string }) => a.action)).toEqual([
      'strategies.create',
      'strategies.update',
      'strategies.start',
      'strategies.stop',
      'strategies.delete',
    ]);
  });

  it('runs started instances in the engine host: candles from the EventBus produce signals and metrics', async () => {
    const host = t.app.get(StrategyEngineHost);
    const signals: Signal[] = [];
    const bus = t.app.get(EventBus);
    const off = bus.on('strategies.signal', (s) => signals.push(s));
    host.start(FLAT_PORTFOLIO);
    const created = await t
      .http()
      .post('/api/v1/strategies')
      .set(auth(trader))
      .send({
        type: 'sma-crossover',
        name: 'fast cross',
        symbols: ['NSE:TCS-EQ'],
        timeframe: '1m',
        params: { fast: 2, slow: 3 },
      });
    const id = created.body.id as string;
    const started = await t.http().post(`/api/v1/strategies/${id}/start`).set(auth(trader));
    expect(started.body.status).toBe('RUNNING');
    [100, 100, 100, 90, 120, 130].forEach((c, i) =>
      bus.emit('market.candle', candle('NSE:TCS-EQ', i, c * 100)),
    );
    off();
    expect(signals.filter((s) => s.strategyId === id).map((s) => s.side)).toEqual(['BUY']);
    const got = await t.http().get(`/api/v1/strategies/${id}`).set(auth(viewer));
    expect(got.body).toMatchObject({
      status: 'RUNNING',
      metrics: { signals: 1, signalsSent: 1, realisedPnl: '0.00' },
    });
  });
});
