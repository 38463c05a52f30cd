/**
 * The metric contract between the modules that export metrics and the operator tooling that reads them
 * (docker/prometheus/alerts.yml and the Grafana dashboards under docker/grafana/dashboards/).
 * test/monitoring/metric-catalogue.spec.ts fails when a rule or a panel names a metric missing here, and
 * test/monitoring/exported-metrics.e2e.spec.ts asserts the running app exports every entry with this type
 * and these labels. Labels are bounded sets: `strategy` is a strategy instance id or `manual`,
 * `instrument` an `EXCHANGE:SYMBOL` with an open position, `route`/`endpoint` a broker route name, never
 * an order or user id. Money is in paise, as the domain keeps it (dashboards divide by 100); ratios are 0..1.
 * Gauges set by one role (worker: portfolio, reconciliation; feed leader: feed health) read 0 elsewhere,
 * so rules and panels aggregate them with max() (or sum() for signed P&L, which one worker publishes).
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
  // --- trading: portfolio (account book, worker role) --------------------------------------------------
  trading_bot_pnl_realised_paise: {
    type: 'gauge',
    labels: [],
    owner: 'portfolio',
    help: 'Realised P&L of the account, all time',
  },
  trading_bot_pnl_unrealised_paise: {
    type: 'gauge',
    labels: [],
    owner: 'portfolio',
    help: 'Unrealised P&L of open positions at the last tick',
  },
  trading_bot_pnl_day_paise: {
    type: 'gauge',
    labels: [],
    owner: 'portfolio',
    help: "Today's (IST session) P&L net of charges",
  },
  trading_bot_equity_paise: {
    type: 'gauge',
    labels: [],
    owner: 'portfolio',
    help: 'Account equity: capital plus net P&L',
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
    help: 'Largest drawdown in the stored equity history and since start, 0..1',
  },
  trading_bot_gross_exposure_paise: {
    type: 'gauge',
    labels: [],
    owner: 'portfolio',
    help: 'Sum of absolute position values',
  },
  trading_bot_net_exposure_paise: {
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
  trading_bot_position_value_paise: {
    type: 'gauge',
    labels: ['instrument'],
    owner: 'portfolio',
    help: 'Marked value of the open position per instrument',
  },
  trading_bot_strategy_pnl_realised_paise: {
    type: 'gauge',
    labels: ['strategy'],
    owner: 'portfolio',
    help: 'Realised P&L per strategy instance (manual = orders without one)',
  },
  trading_bot_strategy_pnl_unrealised_paise: {
    type: 'gauge',
    labels: ['strategy'],
    owner: 'portfolio',
    help: 'Unrealised P&L of open positions per strategy instance',
  },
  trading_bot_strategy_pnl_day_paise: {
    type: 'gauge',
    labels: ['strategy'],
    owner: 'portfolio',
    help: "Today's net P&L per strategy instance",
  },
  // --- trading: strategy performance -------------------------------------------------------------------
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
    help: 'Annualised Sharpe ratio of daily net P&L',
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
  // --- trading: orders and reconciliation --------------------------------------------------------------
  trading_bot_orders_total: {
    type: 'counter',
    labels: ['strategy', 'state'],
    owner: 'orders',
    help: 'Orders reaching a state (order status in lower case: queued, risk_rejected, submitting, open, filled, cancelled, rejected, unknown, expired...)',
  },
  trading_bot_orders_open: {
    type: 'gauge',
    labels: ['state'],
    owner: 'orders',
    help: 'Orders currently in each non-terminal state (from the database, worker role)',
  },
  trading_bot_fills_total: {
    type: 'counter',
    labels: ['strategy', 'side'],
    owner: 'orders',
    help: 'Fills (partial or full) recorded against orders',
  },
  trading_bot_reconciliation_mismatches: {
    type: 'gauge',
    labels: [],
    owner: 'orders',
    help: 'Orders, fills or positions that differed from the broker in the last reconciliation pass',
  },
  trading_bot_reconciliation_runs_total: {
    type: 'counter',
    labels: ['result'],
    owner: 'orders',
    help: 'Reconciliation passes by result (ok, mismatch, error)',
  },
  trading_bot_reconciliation_last_run_timestamp_seconds: {
    type: 'gauge',
    labels: [],
    owner: 'orders',
    help: 'Unix time the last reconciliation pass finished',
  },
  // --- trading: risk -----------------------------------------------------------------------------------
  trading_bot_risk_rejections_total: {
    type: 'counter',
    labels: ['strategy', 'reason'],
    owner: 'risk',
    help: 'Signals and orders refused by a pre-trade check, by strategy instance and reason code',
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
    help: '1 while trading is HALTED by the kill switch (an operator or a breaker)',
  },
  trading_bot_kill_switch_total: {
    type: 'counter',
    labels: ['action', 'trigger'],
    owner: 'risk',
    help: 'Kill-switch actions (halt, reduce, resume) by trigger (manual or the breaker)',
  },
  // --- broker ------------------------------------------------------------------------------------------
  trading_bot_broker_request_seconds: {
    type: 'histogram',
    labels: ['route'],
    owner: 'broker',
    help: 'Broker REST call latency by route',
  },
  trading_bot_broker_requests_total: {
    type: 'counter',
    labels: ['route', 'outcome'],
    owner: 'broker',
    help: 'Broker REST calls by route and outcome (ok or the BrokerError kind)',
  },
  trading_bot_broker_errors_total: {
    type: 'counter',
    labels: ['route', 'code'],
    owner: 'broker',
    help: 'Broker REST errors by route and code (AB/AG code, HTTP_<status>, RATE_LIMIT or the error kind)',
  },
  trading_bot_broker_rate_limit_headroom: {
    type: 'gauge',
    labels: ['endpoint', 'window'],
    owner: 'broker',
    help: 'Requests still allowed in each client-side rate-limit bucket (set on use)',
  },
  trading_bot_broker_session_up: {
    type: 'gauge',
    labels: [],
    owner: 'broker',
    help: '1 while the broker session (JWT) is valid',
  },
  trading_bot_broker_stream_connected: {
    type: 'gauge',
    labels: [],
    owner: 'broker',
    help: '1 while the SmartStream client is started and all its connections are open (feed leader)',
  },
  trading_bot_broker_stream_reconnects_total: {
    type: 'counter',
    labels: ['stream'],
    owner: 'broker',
    help: 'Broker socket reconnects',
  },
  // --- market data -------------------------------------------------------------------------------------
  trading_bot_feed_market_open: {
    type: 'gauge',
    labels: [],
    owner: 'market-data',
    help: '1 while a segment of any subscribed instrument is in its trading session (feed leader)',
  },
  trading_bot_feed_last_tick_timestamp_seconds: {
    type: 'gauge',
    labels: [],
    owner: 'market-data',
    help: 'Unix time the feed leader last received a tick',
  },
  trading_bot_market_tick_lag_seconds: {
    type: 'histogram',
    labels: [],
    owner: 'market-data',
    help: 'Exchange time to processed time of each tick',
  },
  trading_bot_market_ticks_received_total: {
    type: 'counter',
    labels: ['exchange'],
    owner: 'market-data',
    help: 'Ticks received from the broker feed',
  },
  trading_bot_market_stale_instruments: {
    type: 'gauge',
    labels: [],
    owner: 'market-data',
    help: 'Subscribed instruments without a tick for STALE_TICK_SECONDS during market hours',
  },
  trading_bot_ws_clients: {
    type: 'gauge',
    labels: [],
    owner: 'websocket',
    help: 'Connected WebSocket clients',
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
