import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { runSpec, type BacktestSpec } from '../../src/backtest/backtest-spec';
import { parseCandleCsv } from '../../src/backtest/csv-candles';
import { metricsToJson } from '../../src/backtest/result-json';
import { CandleStore } from '../../src/market-data/storage/candle-store';
import { QUEUES } from '../../src/queues/queue.constants';
import { startTestApp, type TestApp } from '../support/app';

const CSV = readFileSync(join(__dirname, '..', 'fixtures', 'sbin-1m-sample.csv'), 'utf8');
const SYMBOL = 'NSE:SBIN-EQ';
const STRATEGIES = ['sma-crossover', 'rsi-mean-reversion', 'bollinger-breakout', 'tick-scalper'];
const FINISHED = new Set(['completed', 'failed', 'cancelled']);
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

interface RunBody {
  id: string;
  status: string;
  progress: number;
  error: string | null;
  errorCode: string | null;
  spec: Record<string, unknown>;
  metrics: Record<string, number>;
  candidates: { rank: number; inSample: number | null; params: object }[];
  windows: { inSample: string[]; outOfSample: string[] }[];
  equity: unknown[];
}

describe('backtest and optimisation API (e2e, api+worker)', () => {
  let t: TestApp;
  let trader: string;
  let other: string;
  let viewer: string;
  let admin: string;
  const ids: Record<string, string> = {};
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLES: 'api,worker' });
    admin = (await t.login()).accessToken;
    trader = await t.userToken('tess', 'trader');
    other = await t.userToken('otto', 'trader');
    viewer = await t.userToken('vic', 'viewer');
  });
  afterAll(async () => t.close());

  const post = (path: string, token: string, body: object) =>
    t.http().post(`/api/v1/${path}`).set(auth(token)).send(body);

  async function until(path: string, token = trader): Promise<RunBody> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await t.http().get(`/api/v1/${path}`).set(auth(token)).expect(200);
      if (FINISHED.has(res.body.status)) return res.body as RunBody;
      if (Date.now() > deadline) throw new Error(`${path} still ${res.body.status} after 20 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function expected(strategy: string, params: Record<string, unknown> = {}) {
    const loaded = parseCandleCsv(CSV, { symbol: SYMBOL, interval: '1m' });
    if (!loaded.ok) throw new Error('fixture refused');
    const spec: BacktestSpec = {
      symbol: SYMBOL,
      interval: '1m',
      strategy,
      params,
      capitalPaise: 10_000_000,
      fees: 'india',
      lotSize: 1,
      tickSizePaise: 5,
      fill: { at: 'open', slippageBps: 0, slippageTicks: 0, maxVolumeShare: 1, remainder: 'carry' },
      leverage: 1,
      squareOffTime: '15:15',
      seed: 1,
    };
    const out = await runSpec(loaded.candles, spec);
    if (!out.ok) throw new Error(out.message);
    return out.result;
  }

  it('runs every built-in strategy over the sample CSV: metrics, trades, equity and an HTML report with charts', async () => {
    for (const strategy of STRATEGIES) {
      const res = await post('backtests', trader, {
        symbol: SYMBOL,
        interval: '1m',
        strategy,
        csv: CSV,
      }).expect(202);
      expect(res.body).toEqual({ id: expect.any(String), status: 'queued' });
      ids[strategy] = res.body.id;
    }
    for (const strategy of STRATEGIES) {
      const id = ids[strategy];
      const run = await until(`backtests/${id}`);
      expect({ strategy, status: run.status, error: run.error }).toEqual({
        strategy,
        status: 'completed',
        error: null,
      });
      expect(run.progress).toBe(1);
      expect(run.spec).toMatchObject({
        symbol: SYMBOL,
        strategy,
        capital: '100000.00',
        source: { kind: 'csv', rows: 1500 },
      });

      const lib = await expected(strategy);
      expect(run.metrics).toEqual(metricsToJson(lib.metrics));

      const trades = (await t.http().get(`/api/v1/backtests/${id}/trades`).set(auth(trader)).expect(200))
        .body;
      expect(trades.total).toBe(lib.trades.length);
      expect(trades.total).toBe(run.metrics.tradeCount);
      if (lib.trades.length) {
        const first = lib.trades[0];
        expect(trades.items[0]).toEqual({
          entryTime: new Date(first.entryTime).toISOString(),
          exitTime: new Date(first.exitTime).toISOString(),
          side: first.side,
          quantity: first.quantity,
          entryPrice: Math.round(first.entryPricePaise * 100) / 10_000,
          exitPrice: Math.round(first.exitPricePaise * 100) / 10_000,
          pnl: first.pnlPaise / 100,
          charges: first.chargesPaise / 100,
          grossPnl: first.grossPnlPaise / 100,
          exitReason: first.exitReason,
        });
      }

      const equity = (await t.http().get(`/api/v1/backtests/${id}/equity`).set(auth(trader)).expect(200))
        .body;
      expect(equity.startingCapital).toBe(100000);
      expect(equity.points).toHaveLength(1500);
      expect(equity.points[1499].equity).toBe(run.metrics.finalEquity);
      expect(Math.min(...equity.points.map((p: { drawdown: number }) => p.drawdown))).toBeCloseTo(
        -run.metrics.maxDrawdown,
        10,
      );

      const report = await t.http().get(`/api/v1/backtests/${id}/report`).set(auth(trader)).expect(200);
      expect(report.headers['content-type']).toMatch(/^text\/html/);
      expect(report.text).toMatch(/^<!doctype html>/);
      expect(report.text).toContain('<svg id="equity-chart"');
      expect(report.text).toContain('<svg id="drawdown-chart"');
      expect(report.text).toContain('<table id="metrics">');
      expect(report.text).toContain(strategy);
    }
    // The tick scalper needs depth on ticks, which candles lack: it completes flat, the others trade.
    const counts = await Promise.all(
      STRATEGIES.map(async (s) => (await until(`backtests/${ids[s]}`)).metrics.tradeCount),
    );
    expect(counts.slice(0, 3).every((n) => n > 0)).toBe(true);
    expect(counts[3]).toBe(0);
  });

  it('serves a report that headless Chromium renders with both charts drawn', async () => {
    if (!CHROMIUM)
      throw new Error('Chromium is not installed: apt-get install -y chromium (needed here, never skipped)');
    const res = await t
      .http()
      .get(`/api/v1/backtests/${ids['sma-crossover']}/report`)
      .set(auth(trader))
      .expect(200);
    const dir = mkdtempSync(join(tmpdir(), 'bt-api-report-'));
    try {
      writeFileSync(join(dir, 'report.html'), res.text);
      const dom = execFileSync(
        CHROMIUM,
        ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
          .concat(['--disable-component-update', '--no-first-run', `--user-data-dir=${join(dir, 'profile')}`])
          .concat(['--dump-dom', `file://${join(dir, 'report.html')}`]),
        { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      expect(dom).toMatch(/<th>tradeCount<\/th>/);
      for (const id of ['equity-chart', 'drawdown-chart']) {
        const svg = new RegExp(`<svg id="${id}"[\\s\\S]*?</svg>`).exec(dom)?.[0] ?? '';
        const d = /class="series" d="([^"]+)"/.exec(svg)?.[1] ?? '';
        expect({ id, segments: d.split('L').length > 100 }).toEqual({ id, segments: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('backtests stored candles by symbol, interval and range, giving the same result as the same CSV', async () => {
    const loaded = parseCandleCsv(CSV, { symbol: SYMBOL, interval: '1m' });
    if (!loaded.ok) throw new Error('fixture refused');
    await new CandleStore(t.app.get(DataSource)).save(loaded.candles, 'import', 'keep');
    const body = {
      symbol: SYMBOL,
      interval: '1m',
      strategy: 'sma-crossover',
      params: { fast: 10, slow: 30 },
    };
    const stored = await post('backtests', trader, {
      ...body,
      from: '2026-01-05T09:15:00+05:30',
      to: '2026-01-10T00:00:00+05:30',
    }).expect(202);
    const fromCsv = await post('backtests', trader, { ...body, csv: CSV }).expect(202);
    const a = await until(`backtests/${stored.body.id}`);
    const b = await until(`backtests/${fromCsv.body.id}`);
    expect(a.status).toBe('completed');
    expect(a.spec.source).toEqual({
      kind: 'stored',
      from: '2026-01-05T03:45:00.000Z',
      to: '2026-01-09T18:30:00.000Z',
    });
    expect(a.metrics).toEqual(b.metrics);
    expect(a.metrics.tradeCount).toBeGreaterThan(0);

    const empty = await post('backtests', trader, {
      ...body,
      from: '2020-01-01T00:00:00Z',
      to: '2020-01-02T00:00:00Z',
    }).expect(202);
    const failed = await until(`backtests/${empty.body.id}`);
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'NO_CANDLES' });
    await t.http().get(`/api/v1/backtests/${empty.body.id}/trades`).set(auth(trader)).expect(409);
  });

  it('accepts the CSV as a text/csv body with the settings in the query', async () => {
    const res = await t
      .http()
      .post('/api/v1/backtests/csv')
      .query({
        symbol: SYMBOL,
        interval: '1m',
        strategy: 'rsi-mean-reversion',
        params: '{"period":10}',
        fees: 'none',
      })
      .set(auth(trader))
      .set('content-type', 'text/csv')
      .send(CSV)
      .expect(202);
    const run = await until(`backtests/${res.body.id}`);
    expect(run).toMatchObject({ status: 'completed', spec: { fees: 'none', params: { period: 10 } } });
  });

  it('refuses bad input with 400 naming the parameter, the strategy or the CSV line', async () => {
    const base = { symbol: SYMBOL, interval: '1m', csv: CSV };
    const outOfBounds = await post('backtests', trader, {
      ...base,
      strategy: 'sma-crossover',
      params: { fast: 0 },
    }).expect(400);
    expect(outOfBounds.body.code).toBe('INVALID_PARAMS');
    expect(outOfBounds.body.message).toContain('fast');
    const unknownParam = await post('backtests', trader, {
      ...base,
      strategy: 'sma-crossover',
      params: { speed: 3 },
    }).expect(400);
    expect(unknownParam.body.message).toContain('speed');
    const unknown = await post('backtests', trader, { ...base, strategy: 'no-such-strategy' }).expect(400);
    expect(unknown.body.code).toBe('UNKNOWN_STRATEGY_TYPE');
    const lines = CSV.split('\n');
    lines[3] = lines[3].replace(/,(\d+)\.(\d+),/, ',-$1.$2,');
    const badCsv = await post('backtests', trader, {
      ...base,
      strategy: 'sma-crossover',
      csv: lines.join('\n'),
    }).expect(400);
    expect(badCsv.body.code).toBe('INVALID_CSV');
    expect(badCsv.body.message).toMatch(/line 4: BAD_PRICE/);
    expect(badCsv.body.details[0]).toMatchObject({ line: 4, kind: 'BAD_PRICE' });
    const noSource = await post('backtests', trader, {
      symbol: SYMBOL,
      interval: '1m',
      strategy: 'sma-crossover',
    }).expect(400);
    expect(noSource.body.code).toBe('NO_CANDLE_SOURCE');
    const badField = await post('backtests', trader, {
      ...base,
      strategy: 'sma-crossover',
      slippageBps: -1,
    }).expect(400);
    expect(badField.body.details[0].field).toBe('slippageBps');
    await t.http().get('/api/v1/backtests/not-a-uuid').set(auth(trader)).expect(400);
  });

  it('lets a viewer read but not create, hides other users’ runs, and shows admins everything', async () => {
    await post('backtests', viewer, {
      symbol: SYMBOL,
      interval: '1m',
      strategy: 'sma-crossover',
      csv: CSV,
    }).expect(403);
    await t.http().get('/api/v1/backtests').set(auth(viewer)).expect(200);
    const mine = await post('backtests', trader, {
      symbol: SYMBOL,
      interval: '1m',
      strategy: 'sma-crossover',
      csv: CSV,
    }).expect(202);
    const id = mine.body.id as string;
    await until(`backtests/${id}`);
    for (const path of ['', '/trades', '/equity', '/report']) {
      const res = await t.http().get(`/api/v1/backtests/${id}${path}`).set(auth(other)).expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    await t.http().post(`/api/v1/backtests/${id}/cancel`).set(auth(other)).expect(404);
    const otherList = (await t.http().get('/api/v1/backtests').set(auth(other)).expect(200)).body;
    expect(otherList.items.map((r: { id: string }) => r.id)).not.toContain(id);
    const traderList = (await t.http().get('/api/v1/backtests?pageSize=200').set(auth(trader)).expect(200))
      .body;
    expect(traderList.items.map((r: { id: string }) => r.id)).toContain(id);
    expect(traderList.items[0].trades).toBeUndefined();
    await t.http().get(`/api/v1/backtests/${id}`).set(auth(admin)).expect(200);
    await t.http().get(`/api/v1/optimizations/${id}`).set(auth(trader)).expect(404);
  });

  it('cancels a queued run (the worker never runs it) and refuses to cancel a finished one', async () => {
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.backtests));
    await queue.pause(true);
    try {
      const body = { symbol: SYMBOL, interval: '1m', strategy: 'sma-crossover', csv: CSV };
      const a = (await post('backtests', trader, body).expect(202)).body.id as string;
      const b = (await post('backtests', trader, body).expect(202)).body.id as string;
      const cancelled = await t.http().post(`/api/v1/backtests/${a}/cancel`).set(auth(trader)).expect(200);
      expect(cancelled.body).toMatchObject({ id: a, status: 'cancelled' });
      await t.http().delete(`/api/v1/backtests/${b}`).set(auth(trader)).expect(200);
      expect(await queue.getJob(`backtest:${a}`)).toBeNull();
      await queue.resume(true);
      const done = (await post('backtests', trader, body).expect(202)).body.id as string;
      expect((await until(`backtests/${done}`)).status).toBe('completed');
      for (const id of [a, b]) {
        const run = (await t.http().get(`/api/v1/backtests/${id}`).set(auth(trader)).expect(200)).body;
        expect(run).toMatchObject({ status: 'cancelled', metrics: null });
        await t.http().get(`/api/v1/backtests/${id}/report`).set(auth(trader)).expect(409);
      }
      const again = await t.http().post(`/api/v1/backtests/${done}/cancel`).set(auth(trader)).expect(409);
      expect(again.body.code).toBe('NOT_CANCELLABLE');
    } finally {
      await queue.resume(true);
    }
  });

  it('runs a grid optimisation to a ranked table and a walk-forward to stitched out-of-sample windows', async () => {
    const base = { symbol: SYMBOL, interval: '1m', strategy: 'sma-crossover', csv: CSV, fees: 'none' };
    const grid = await post('optimizations', trader, {
      ...base,
      method: 'grid',
      objective: 'profitFactor',
      ranges: [
        { name: 'fast', values: [5, 10] },
        { name: 'slow', min: 30, max: 50, step: 20 },
      ],
    }).expect(202);
    const wf = await post('optimizations', trader, {
      ...base,
      method: 'walk-forward',
      ranges: [{ name: 'fast', values: [5, 10] }],
      params: { slow: 30 },
      inSampleBars: 600,
      outOfSampleBars: 300,
      mode: 'anchored',
    }).expect(202);

    const g = await until(`optimizations/${grid.body.id}`);
    expect(g.status).toBe('completed');
    expect(g.candidates).toHaveLength(4);
    expect(g.candidates.map((c: { rank: number }) => c.rank)).toEqual([1, 2, 3, 4]);
    const scores = g.candidates.map((c: { inSample: number | null }) => c.inSample ?? -Infinity);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    expect(g.candidates.map((c: { params: object }) => c.params)).toEqual(
      expect.arrayContaining([
        { fast: 5, slow: 30 },
        { fast: 10, slow: 50 },
      ]),
    );

    const w = await until(`optimizations/${wf.body.id}`);
    expect(w.status).toBe('completed');
    expect(w.windows).toHaveLength(3);
    expect(w.windows[0].inSample[0]).toBe('2026-01-05T03:45:00.000Z');
    expect(w.windows[1].inSample[0]).toBe(w.windows[0].inSample[0]);
    expect(w.windows[0].outOfSample[0]).toBe(w.windows[0].inSample[1]);
    expect(w.equity.length).toBeGreaterThan(0);

    const short = await post('optimizations', trader, {
      ...base,
      method: 'walk-forward',
      ranges: [{ name: 'fast', values: [5] }],
      inSampleBars: 1500,
      outOfSampleBars: 100,
    }).expect(202);
    expect(await until(`optimizations/${short.body.id}`)).toMatchObject({
      status: 'failed',
      errorCode: 'INVALID_RANGE',
    });

    const bad = await post('optimizations', trader, {
      ...base,
      method: 'grid',
      ranges: [{ name: 'fast', values: [5, 100000] }],
    }).expect(400);
    expect(bad.body.message).toContain('fast');
    const huge = await post('optimizations', trader, {
      ...base,
      method: 'grid',
      ranges: [
        { name: 'fast', min: 2, max: 40 },
        { name: 'slow', min: 41, max: 100 },
      ],
    }).expect(400);
    expect(huge.body.code).toBe('TOO_MANY_CANDIDATES');
    await post('optimizations', viewer, {
      ...base,
      method: 'grid',
      ranges: [{ name: 'fast', values: [5] }],
    }).expect(403);
  });
});
