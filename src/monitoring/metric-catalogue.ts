/**
 * The metric contract between the modules that export metrics and the operator tooling that reads them
 * (docker/prometheus/alerts.yml and the Grafana dashboards under docker/grafana/dashboards/).
 * test/monitoring/metric-catalogue.spec.ts fails when a rule or a panel names a metric missing here, and
 * the e2e check asserts the running app exports every entry. Labels are bounded sets: `strategy` is a
 * registered strategy id, `instrument` an `EXCHANGE:SYMBOL` on the watchlist, `endpoint` a broker route
 * name, never an order or user id. Money is in rupees (the Prometheus base unit for INR; the domain keeps
 * paise), ratios are 0..1.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  type: MetricType;
  labels: readonly string[];
  help: string;
  /** The module expected to create and update the metric. */
  owner:
    | 'http'
    | 'portfolio'
    | 'strategies'
    | 'orders'
    | 'risk'
    | 'broker'
    | 'market-data'
    | 'websocket'
    | 'monitoring';
}

export const METRIC_CATALOGUE = {
  // --- trading: portfolio -------------------------------------------------------------------------
  trading_bot_pnl_realised_rupees: {
    type: 'gauge',
    labels: ['strategy'],
    owner: 'portfolio',
    help: 'Realised P&L since inception, per strategy',
  },
  trading_bot_pnl_unrealised_rupees: {
    type: 'gauge',
    labels: ['strategy'],
    owner: 'portfolio',
    help: 'Mark-to-market P&L of open positions, per strategy',
  },
  trading_bot_pnl_day_rupees: {
    type: 'gauge',
    labels: ['strategy'],
    owner: 'portfolio',
    help: "Today's (IST session) realised + unrealised P&L, per strategy",
  },
  trading_bot_equity_rupees: {
    type: 'gauge',
    labels: [],
    owner: 'portfolio',
    help: 'Account equity: cash plus marked positions',
  },
  trading_bot_drawdown_ratio: {
    type: 'gauge',
    labels: [],
    owner: 'portfolio',
    help: 'Current drawdown from the equity high-water mark, 0..1',
  },
  trading_bot_drawdown_max_ratio: {
    type: 'gauge',
    labels: [],
    owner: 'portfolio',
    help: 'Maximum drawdown seen, 0..1',
  },
  trading_bot_exposure_gross_rupees: {
    type: 'gauge',
    labels: [],
    owner: 'portfolio',
    help: 'Sum of absolute position values',
  },
  trading_bot_exposure_net_rupees: {
    type: 'gauge',
    labels: [],
    owner: 'portfolio',
    help: 'Long minus short position value',
  },
  trading_bot_position_quantity: {
    type: 'gauge',
    labels: ['instrument'],
    owner: 'portfolio',
    help: 'Net open quantity per instrument (negative = short)',
  },
  trading_bot_position_value_rupees: {
    type: 'gauge',
    labels: ['instrument'],
    owner: 'portfolio',
    help: 'Marked value of the open position per instrument',
  },
  // --- trading: strategy performance --------------------------------------------------------------
  trading_bot_strategy_win_rate_ratio: {
    type: 'gauge',
    labels: ['strategy'],
    owner: 'strategies',
    help: 'Winning closed trades / closed trades, 0..1',
  },
  trading_bot_strategy_rolling_sharpe: {
    type: 'gauge',
    labels: ['strategy'],
    owner: 'strategies',
    help: 'Annualised Sharpe ratio over the rolling window of closed-trade returns',
  },
  trading_bot_strategy_consecutive_losses: {
    type: 'gauge',
    labels: ['strategy'],
    owner: 'strategies',
    help: 'Losing closed trades in a row (0 after a win)',
  },
  trading_bot_strategy_trades_total: {
    type: 'counter',
    labels: ['strategy', 'result'],
    owner: 'strategies',
    help: 'Closed trades by result (win, loss, flat)',
  },
  trading_bot_strategy_signals_total: {
    type: 'counter',
    labels: ['strategy', 'side'],
    owner: 'strategies',
    help: 'Signals emitted',
  },
  // --- trading: orders and risk -------------------------------------------------------------------
  trading_bot_orders_total: {
    type: 'counter',
    labels: ['strategy', 'state'],
    owner: 'orders',
    help: 'Orders reaching a state (submitted, open, filled, cancelled, rejected, failed)',
  },
  trading_bot_orders_open: {
    type: 'gauge',
    labels: ['state'],
    owner: 'orders',
    help: 'Orders currently in each non-terminal state',
  },
  trading_bot_fills_total: {
    type: 'counter',
    labels: ['strategy', 'side'],
    owner: 'orders',
    help: 'Fills (partial or full) received',
  },
  trading_bot_reconciliation_mismatches: {
    type: 'gauge',
    labels: [],
    owner: 'orders',
    help: 'Orders or positions that differ from the broker after the last reconciliation',
  },
  trading_bot_reconciliation_runs_total: {
    type: 'counter',
    labels: ['result'],
    owner: 'orders',
    help: 'Reconciliation runs by result (ok, mismatch, error)',
  },
  trading_bot_risk_rejections_total: {
    type: 'counter',
    labels: ['strategy', 'reason'],
    owner: 'risk',
    help: 'Signals refused by a pre-trade check, by reason code',
  },
  trading_bot_trading_state: {
    type: 'gauge',
    labels: ['state'],
    owner: 'risk',
    help: '1 for the current trading state (ACTIVE, REDUCING, HALTED), 0 for the others',
  },
  trading_bot_kill_switch_engaged: {
    type: 'gauge',
    labels: [],
    owner: 'risk',
    help: '1 while the kill switch is engaged',
  },
  // --- broker -------------------------------------------------------------------------------------
  trading_bot_broker_request_duration_seconds: {
    type: 'histogram',
    labels: ['endpoint'],
    owner: 'broker',
    help: 'Broker REST call latency',
  },
  trading_bot_broker_errors_total: {
    type: 'counter',
    labels: ['endpoint', 'code'],
    owner: 'broker',
    help: 'Broker REST errors by endpoint and error code (AG8001, HTTP_5xx, TIMEOUT, RATE_LIMIT...)',
  },
  trading_bot_broker_rate_limit_headroom_ratio: {
    type: 'gauge',
    labels: ['endpoint'],
    owner: 'broker',
    help: 'Tokens left in the tightest rate-limit bucket of the endpoint, 0..1',
  },
  trading_bot_broker_session_up: {
    type: 'gauge',
    labels: [],
    owner: 'broker',
    help: '1 while the broker session (JWT) is valid',
  },
  // --- market data --------------------------------------------------------------------------------
  trading_bot_feed_connected: {
    type: 'gauge',
    labels: [],
    owner: 'market-data',
    help: '1 while the market-data socket is connected (on the elected feed instance)',
  },
  trading_bot_feed_market_open: {
    type: 'gauge',
    labels: [],
    owner: 'market-data',
    help: '1 while any subscribed exchange is in its trading session',
  },
  trading_bot_feed_last_tick_timestamp_seconds: {
    type: 'gauge',
    labels: [],
    owner: 'market-data',
    help: 'Unix time the last tick was received',
  },
  trading_bot_feed_lag_seconds: {
    type: 'gauge',
    labels: [],
    owner: 'market-data',
    help: 'Receipt time minus exchange time of the last tick',
  },
  trading_bot_feed_ticks_total: {
    type: 'counter',
    labels: ['exchange'],
    owner: 'market-data',
    help: 'Ticks received',
  },
  trading_bot_feed_reconnects_total: {
    type: 'counter',
    labels: [],
    owner: 'market-data',
    help: 'Market-data socket reconnects',
  },
  trading_bot_ws_clients: {
    type: 'gauge',
    labels: ['gateway'],
    owner: 'websocket',
    help: 'Connected WebSocket clients per gateway',
  },
  // --- system -------------------------------------------------------------------------------------
  trading_bot_http_request_duration_seconds: {
    type: 'histogram',
    labels: ['method', 'route', 'status'],
    owner: 'http',
    help: 'HTTP request latency by route template',
  },
  trading_bot_event_loop_lag_seconds: {
    type: 'gauge',
    labels: ['quantile'],
    owner: 'monitoring',
    help: 'Event-loop delay over the last sampling window (quantile 0.5, 0.99, 1)',
  },
  trading_bot_db_pool_connections: {
    type: 'gauge',
    labels: ['state'],
    owner: 'monitoring',
    help: 'PostgreSQL pool connections (total, idle, waiting, max)',
  },
  trading_bot_queue_jobs: {
    type: 'gauge',
    labels: ['queue', 'state'],
    owner: 'monitoring',
    help: 'Bull jobs per queue and state (waiting, active, delayed, failed)',
  },
  trading_bot_queue_job_duration_seconds: {
    type: 'histogram',
    labels: ['queue', 'status'],
    owner: 'monitoring',
    help: 'Bull job processing time (completed or failed)',
  },
  trading_bot_alerts_raised_total: {
    type: 'counter',
    labels: ['severity'],
    owner: 'monitoring',
    help: 'In-app alerts raised (after de-duplication)',
  },
  trading_bot_alert_deliveries_total: {
    type: 'counter',
    labels: ['channel', 'outcome'],
    owner: 'monitoring',
    help: 'Alert deliveries by channel and outcome (sent, failed, rate_limited)',
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRIC_CATALOGUE;

/** Suffixes Prometheus adds to histogram series, so `foo_bucket` in a query resolves to `foo`. */
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/** The catalogue entry a series name in a query refers to (handles histogram suffixes), if any. */
export function lookupMetric(series: string): { name: MetricName; spec: MetricSpec } | undefined {
  if (series in METRIC_CATALOGUE)
    return { name: series as MetricName, spec: METRIC_CATALOGUE[series as MetricName] };
  for (const suffix of HISTOGRAM_SUFFIXES) {
    if (!series.endsWith(suffix)) continue;
    const base = series.slice(0, -suffix.length);
    if (base in METRIC_CATALOGUE && METRIC_CATALOGUE[base as MetricName].type === 'histogram') {
      return { name: base as MetricName, spec: METRIC_CATALOGUE[base as MetricName] };
    }
  }
  return undefined;
}

/** Every `trading_bot_*` series name mentioned in a PromQL expression. */
export function seriesInExpression(expr: string): string[] {
  return [...new Set(expr.match(/\btrading_bot_[a-z0-9_]+/g) ?? [])];
}
