import { register } from 'prom-client';
import {
  METRIC_CATALOGUE,
  lookupMetric,
  seriesInExpression,
  type MetricName,
} from '@/monitoring/metric-catalogue';
import { startTestApp, type TestApp } from '../support/app';
import { dashboardExpressions, ruleExpressions } from './support/operator-queries';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, as much of it as the assertions need: TYPE lines and samples. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { types, samples };
}

/** The sum of the samples of `name` whose labels include `match`. */
function total(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

function has(samples: Sample[], name: string, match: Record<string, string> = {}): boolean {
  return samples.some((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The check: every metric the alert rules and the Grafana dashboards query is exported by the
 * running platform (simulated mode, all roles in one process) with the catalogued type and labels, and
 * the trading figures move when an order trades against the embedded simulator.
 */
describe('the running app exports every metric the dashboards and alert rules use (e2e)', () => {
  let t: TestApp;
  let trader: string;
  const scrape = async () => parseExposition((await t.http().get('/metrics').expect(200)).text);

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLES: 'api,worker,feed',
      TRADING_MODE: 'simulated',
      SIM_MARKET_HOURS: 'always',
      MARKET_WATCHLIST: 'NSE:SBIN-EQ',
    });
    trader = await t.userToken('metricstrader', 'trader');
  });
  afterAll(async () => t?.close());

  it('every series the rules and dashboards name is catalogued, and every catalogue entry is exported with its type and labels', async () => {
    const queries = [...ruleExpressions(), ...dashboardExpressions()];
    const named = new Set<MetricName>();
    const uncatalogued: string[] = [];
    for (const { where, expr } of queries)
      for (const s of seriesInExpression(expr)) {
        const hit = lookupMetric(s);
        if (hit) named.add(hit.name);
        else uncatalogued.push(`${where}: ${s}`);
      }
    expect(uncatalogued).toEqual([]);
    // The rules and dashboards do use the trading series, so this check covers them.
    expect(named.size).toBeGreaterThan(40);

    const { types } = await scrape();
    const wanted = new Set<string>([...named, ...Object.keys(METRIC_CATALOGUE)]);
    const problems: string[] = [];
    for (const name of [...wanted].sort()) {
      const spec = METRIC_CATALOGUE[name as MetricName];
      const type = types.get(name);
      if (type === undefined) {
        problems.push(`${name}: no "# TYPE ${name}" line in /metrics`);
        continue;
      }
      if (type !== spec.type) problems.push(`${name}: exported as ${type}, catalogued as ${spec.type}`);
      // The app runs in this process, so its registry is this one: compare the declared label names.
      const labels = [...(register.getSingleMetric(name) as unknown as { labelNames: string[] }).labelNames];
      if (labels.sort().join(',') !== [...spec.labels].sort().join(','))
        problems.push(`${name}: labels {${labels.join(',')}}, catalogued {${spec.labels.join(',')}}`);
    }
    expect(problems).toEqual([]);
  });

  it('orders, fills, P&L, positions, ticks, risk and broker figures move when a trader trades', async () => {
    const ready = await eventually(
      async () => (await t.http().get('/api/v1/risk/status').set(bearer(trader))).body as { state: string },
      (s) => s.state === 'ACTIVE',
      15_000,
    );
    expect(ready.state).toBe('ACTIVE');
    const before = (await scrape()).samples;
    expect(has(before, 'trading_bot_position_quantity', { instrument: 'NSE:SBIN-EQ' })).toBe(false);

    const placed = await eventually(
      async () =>
        t
          .http()
          .post('/api/v1/orders')
          .set(bearer(trader))
          .send({
            symbol: 'NSE:SBIN-EQ',
            side: 'BUY',
            quantity: 3,
            type: 'MARKET',
            product: 'INTRADAY',
            clientOrderId: `metrics-${Date.now()}`,
          }),
      (r) => r.status === 202 && r.body.status !== 'RISK_REJECTED',
      15_000,
    );
    expect(placed.status).toBe(202);
    const order = await eventually(
      async () =>
        (await t.http().get(`/api/v1/orders/${placed.body.id}`).set(bearer(trader))).body as {
          status: string;
        },
      (o) => o.status === 'FILLED',
      15_000,
    );
    expect(order.status).toBe('FILLED');
    // Far beyond any position limit: refused by the pre-trade checks, counted by reason.
    const refused = await t
      .http()
      .post('/api/v1/orders')
      .set(bearer(trader))
      .send({
        symbol: 'NSE:SBIN-EQ',
        side: 'BUY',
        quantity: 5_000_000,
        type: 'MARKET',
        product: 'INTRADAY',
        clientOrderId: `metrics-big-${Date.now()}`,
      });
    expect(refused.body.status).toBe('RISK_REJECTED');

    const after = (
      await eventually(
        scrape,
        ({ samples: s }) =>
          total(s, 'trading_bot_market_ticks_received_total', { exchange: 'NSE' }) > 0 &&
          total(s, 'trading_bot_feed_last_tick_timestamp_seconds') > 0 &&
          total(s, 'trading_bot_broker_stream_connected') === 1,
        15_000,
      )
    ).samples;
    const manual = { strategy: 'manual' };
    const moved = {
      queued: total(after, 'trading_bot_orders_total', { ...manual, state: 'queued' }),
      submitting: total(after, 'trading_bot_orders_total', { ...manual, state: 'submitting' }),
      filled: total(after, 'trading_bot_orders_total', { ...manual, state: 'filled' }),
      riskRejected: total(after, 'trading_bot_orders_total', { ...manual, state: 'risk_rejected' }),
      fills: total(after, 'trading_bot_fills_total', { ...manual, side: 'buy' }),
      riskRejections: total(after, 'trading_bot_risk_rejections_total', manual),
      placeOrderCalls: total(after, 'trading_bot_broker_request_seconds_count', { route: 'placeOrder' }),
      ticks: total(after, 'trading_bot_market_ticks_received_total', { exchange: 'NSE' }),
    };
    const was = {
      queued: total(before, 'trading_bot_orders_total', { ...manual, state: 'queued' }),
      submitting: total(before, 'trading_bot_orders_total', { ...manual, state: 'submitting' }),
      filled: total(before, 'trading_bot_orders_total', { ...manual, state: 'filled' }),
      riskRejected: total(before, 'trading_bot_orders_total', { ...manual, state: 'risk_rejected' }),
      fills: total(before, 'trading_bot_fills_total', { ...manual, side: 'buy' }),
      riskRejections: total(before, 'trading_bot_risk_rejections_total', manual),
      placeOrderCalls: total(before, 'trading_bot_broker_request_seconds_count', { route: 'placeOrder' }),
      ticks: total(before, 'trading_bot_market_ticks_received_total', { exchange: 'NSE' }),
    };
    expect(moved).toEqual({
      queued: was.queued + 1,
      submitting: was.submitting + 1,
      filled: was.filled + 1,
      riskRejected: was.riskRejected + 1,
      fills: expect.any(Number) as number,
      riskRejections: was.riskRejections + 1,
      placeOrderCalls: was.placeOrderCalls + 1,
      ticks: expect.any(Number) as number,
    });
    expect(moved.fills).toBeGreaterThan(was.fills); // one fill, or partial fills adding up to 3
    expect(moved.ticks).toBeGreaterThan(0);

    // The portfolio publishes its figures with the fill: position, exposure, equity, P&L per strategy.
    expect(total(after, 'trading_bot_position_quantity', { instrument: 'NSE:SBIN-EQ' })).toBe(3);
    const value = total(after, 'trading_bot_position_value_paise', { instrument: 'NSE:SBIN-EQ' });
    expect(value).toBeGreaterThan(0);
    expect(total(after, 'trading_bot_gross_exposure_paise')).toBe(value);
    expect(total(after, 'trading_bot_net_exposure_paise')).toBe(value);
    expect(total(after, 'trading_bot_open_positions')).toBe(1);
    expect(total(after, 'trading_bot_equity_paise')).toBeGreaterThan(0);
    expect(has(after, 'trading_bot_strategy_pnl_day_paise', manual)).toBe(true);
    // Only manual orders traded, so the account's day P&L is the manual book's.
    expect(total(after, 'trading_bot_pnl_day_paise')).toBe(
      total(after, 'trading_bot_strategy_pnl_day_paise', manual),
    );
    expect(total(after, 'trading_bot_pnl_unrealised_paise')).toBe(
      total(after, 'trading_bot_strategy_pnl_unrealised_paise', manual),
    );

    // Worker and risk state: startup reconciliation passed, open orders counted, kill switch off.
    expect(total(after, 'trading_bot_reconciliation_runs_total', { result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(total(after, 'trading_bot_reconciliation_last_run_timestamp_seconds')).toBeGreaterThan(0);
    expect(total(after, 'trading_bot_reconciliation_mismatches')).toBe(0);
    expect(has(after, 'trading_bot_orders_open', { state: 'queued' })).toBe(true);
    expect(total(after, 'trading_bot_orders_open')).toBe(0);
    expect(total(after, 'trading_bot_trading_state', { state: 'ACTIVE' })).toBe(1);
    expect(total(after, 'trading_bot_kill_switch_engaged')).toBe(0);
  });
});
