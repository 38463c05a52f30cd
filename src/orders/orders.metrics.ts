/**
 * Prometheus figures of the orders module (names in src/monitoring/metric-catalogue.ts). Counted at the
 * single write point (OrderStore), as the last step of the transaction that made the change, so every
 * transition and fill is counted once whichever process (API, worker, reconciliation) made it (a commit
 * failing after that step would over-count by one: acceptable for a rate, and it keeps the store simple). `strategy` is the strategy instance id
 * or `manual` (a bounded set); `state` is the order status in lower case (13 values).
 */
import type { DataSource } from 'typeorm';
import { counter, gauge } from '@/monitoring/metrics';
import type { OrderEntity } from './entities/order.entity';
import type { ApplyResult, ClaimResult } from './order.store';
import { ORDER_STATUSES, TERMINAL_STATUSES, type OrderStatus } from './order-state';
import type { ReconciliationReport } from './reconciler';

const orders = counter({
  name: 'trading_bot_orders_total',
  help: 'Orders reaching a state (queued, risk_rejected, submitting, open, filled, cancelled, rejected, unknown, expired...)',
  labelNames: ['strategy', 'state'] as const,
});
const fills = counter({
  name: 'trading_bot_fills_total',
  help: 'Fills (partial or full) recorded against orders',
  labelNames: ['strategy', 'side'] as const,
});
const OPEN_STATES = ORDER_STATUSES.filter((s) => !TERMINAL_STATUSES.has(s));
const openOrders = gauge({
  name: 'trading_bot_orders_open',
  help: 'Orders currently in each non-terminal state (read from the database by the worker role)',
  labelNames: ['state'] as const,
  async collect() {
    if (!openSource) return;
    try {
      const counts = await openSource();
      for (const s of OPEN_STATES) this.set({ state: s.toLowerCase() }, counts.get(s) ?? 0);
    } catch {
      // Keep the last figures: a scrape must not fail because the database is briefly unreachable.
    }
  },
});
const reconMismatches = gauge({
  name: 'trading_bot_reconciliation_mismatches',
  help: 'Orders, fills or positions that differed from the broker in the last reconciliation pass',
});
const reconRuns = counter({
  name: 'trading_bot_reconciliation_runs_total',
  help: 'Reconciliation passes by result (ok, mismatch, error)',
  labelNames: ['result'] as const,
});
const reconLastRun = gauge({
  name: 'trading_bot_reconciliation_last_run_timestamp_seconds',
  help: 'Unix time the last reconciliation pass finished',
});

let openSource: (() => Promise<Map<OrderStatus, number>>) | null = null;

const strategyOf = (o: Pick<OrderEntity, 'strategyId'>): string => o.strategyId ?? 'manual';

function reached(o: Pick<OrderEntity, 'strategyId'>, status: OrderStatus): void {
  orders.inc({ strategy: strategyOf(o), state: status.toLowerCase() });
}

/** After `OrderStore.insert`: a new order lands QUEUED or RISK_REJECTED. */
export function countInserted<R extends { order: OrderEntity; created: boolean }>(r: R): R {
  if (r.created) reached(r.order, r.order.status);
  return r;
}

/** After `OrderStore.claim`: QUEUED -> SUBMITTING (sent), or EXPIRED (never sent). */
export function countClaimed(r: ClaimResult): ClaimResult {
  if (r.kind === 'claimed') reached(r.order, 'SUBMITTING');
  else if (r.kind === 'expired') reached(r.order, 'EXPIRED');
  return r;
}

/** After `OrderStore.apply`: a status change and/or a new fill. */
export function countApplied(r: ApplyResult): ApplyResult {
  if (r.step.changed && r.step.from !== r.step.to) reached(r.order, r.step.to);
  if (r.fill) fills.inc({ strategy: r.fill.strategyId ?? 'manual', side: r.fill.side.toLowerCase() });
  return r;
}

/** The worker role serves `trading_bot_orders_open` from the orders table (IDX_orders_status) at scrape time. */
export function serveOpenOrders(ds: DataSource): void {
  openSource = async () => {
    const rows: { status: OrderStatus; n: string }[] = await ds.query(
      `SELECT status, COUNT(*) AS n FROM orders WHERE status = ANY($1) GROUP BY status`,
      [OPEN_STATES],
    );
    return new Map(rows.map((r) => [r.status, Number(r.n)]));
  };
  for (const s of OPEN_STATES) openOrders.set({ state: s.toLowerCase() }, 0);
}

export function countReconciliation(r: ReconciliationReport): void {
  reconMismatches.set(r.mismatches.length);
  reconRuns.inc({ result: r.error ? 'error' : r.ok ? 'ok' : 'mismatch' });
  reconLastRun.set(Date.parse(r.finishedAt) / 1000);
}
