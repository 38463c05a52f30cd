/**
 * In-app alerts: what other modules raise (`AlertService.raise`) and what channels deliver. Keys are
 * stable dotted names, the same as the `key` label on the Prometheus rules in docker/prometheus/alerts.yml,
 * optionally suffixed with a bounded qualifier (`strategy.losses:sma_cross`); de-duplication is per key.
 */
export type AlertSeverity = 'info' | 'warning' | 'critical';

export const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 1, warning: 2, critical: 3 };

/** The keys of the conditions the rules file also covers; modules may add their own. */
export const AlertKeys = {
  KillSwitch: 'risk.kill_switch',
  TradingHalted: 'risk.halted',
  Drawdown: 'portfolio.drawdown',
  OrderFailed: 'orders.failed',
  OrderRejected: 'orders.rejected',
  Reconciliation: 'orders.reconciliation',
  StrategySharpe: 'strategy.sharpe',
  StrategyLosses: 'strategy.losses',
  BrokerSession: 'broker.session',
  BrokerErrors: 'broker.errors',
  FeedStale: 'feed.stale',
  ApiErrors: 'api.errors',
} as const;

export interface AlertInput {
  key: string;
  severity: AlertSeverity;
  title: string;
  /** Small, secret-free facts (ids, counts, reasons). Never tokens, PINs or credentials. */
  details?: Record<string, unknown>;
}

/** What a channel receives: the input plus identity and time. */
export interface AlertMessage extends AlertInput {
  id: string;
  /** ISO-8601 UTC. */
  at: string;
  /** Repeats of this key suppressed by de-duplication before this delivery. */
  suppressed: number;
}

export interface AlertChannel {
  /** Short, bounded name used in metrics and history (`webhook`, `telegram`). */
  readonly name: string;
  /** Resolves when delivered; throws an Error whose message carries no secret when not. */
  send(alert: AlertMessage): Promise<void>;
}

export interface DeliveryResult {
  channel: string;
  ok: boolean;
  error?: string;
  attempts: number;
}

export type AlertStatus = 'sending' | 'delivered' | 'partial' | 'failed' | 'rate_limited' | 'no_channel';

export type RaiseOutcome =
  | { outcome: 'deduplicated'; id?: string }
  | { outcome: 'rate_limited'; id: string }
  | { outcome: 'no_channel'; id: string }
  | { outcome: 'delivered' | 'partial' | 'failed'; id: string; deliveries: DeliveryResult[] };
