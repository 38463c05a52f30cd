import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Clock } from '@/common/clock';
import type { BrokerGateway } from '@/broker/broker-gateway';
import type { ProductType } from '@/domain/market';
import { ReconciliationRunEntity } from './entities/reconciliation-run.entity';
import { LIVE_STATUSES } from './order-state';
import type { OrderStore } from './order.store';
import { countReconciliation } from './orders.metrics';
import type { OrderUpdateApplier } from './order-update.applier';
import type { OrdersAlertSink } from './orders.ports';
import type { UnknownOrderResolver } from './unknown-order.resolver';

export type ReconcileTrigger = 'startup' | 'schedule' | 'reconnect' | 'manual';

export interface Mismatch {
  kind: 'missing_at_broker' | 'fill_gap' | 'position' | 'unresolved_unknown';
  subject: string;
  local: unknown;
  broker: unknown;
  message: string;
}

export interface ReconciliationReport {
  trigger: ReconcileTrigger;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  brokerOrders: number;
  updatesApplied: number;
  adoptedExternal: number;
  unknownSettled: number;
  mismatches: Mismatch[];
  error?: string;
}

/**
 * Net positions per user, symbol and product as the broker's position book counts them (the portfolio
 * module binds it as ORDERS_POSITIONS). Reconciliation sums users; the kill switch flattens each user's.
 */
export interface LocalPositionsPort {
  netPositions(): Promise<{ userId: string; symbol: string; product: ProductType; quantity: number }[]>;
}

export interface ReconcilerOptions {
  ds: DataSource;
  store: OrderStore;
  broker: Pick<BrokerGateway, 'orderBook' | 'tradeBook' | 'positions'>;
  applier: OrderUpdateApplier;
  resolver: UnknownOrderResolver;
  clock: Clock;
  positions?: LocalPositionsPort;
  alerts?: OrdersAlertSink;
}

/**
 * Local orders, fills and positions against the broker's order book, trade book and positions. Fixes
 * what it safely can (missed updates and fills, external orders adopted); anything else is a mismatch
 * that blocks new entries until a later pass finds none. Until the first pass succeeds nothing trades.
 */
export class Reconciler {
  private readonly logger = new Logger(Reconciler.name);
  private last: ReconciliationReport | null = null;
  private passedOnce = false;
  private running: Promise<ReconciliationReport> | null = null;

  constructor(private readonly o: ReconcilerOptions) {}

  /** Null when trading may go on; otherwise why new entries (or, before the first pass, all orders) are refused. */
  entriesBlocked(): string | null {
    if (!this.passedOnce) return 'startup reconciliation has not passed yet';
    if (this.last && !this.last.ok)
      return `reconciliation found ${this.last.mismatches.length} mismatch(es); exits only until resolved`;
    return null;
  }

  allBlocked(): string | null {
    return this.passedOnce ? null : 'startup reconciliation has not passed yet';
  }

  lastReport(): ReconciliationReport | null {
    return this.last;
  }

  async lastPersisted(): Promise<ReconciliationReport | null> {
    const row = await this.o.ds
      .getRepository(ReconciliationRunEntity)
      .findOne({ where: {}, order: { id: 'DESC' } });
    return row ? (row.report as unknown as ReconciliationReport) : this.last;
  }

  /** Runs one pass; concurrent callers share the pass in progress. */
  run(trigger: ReconcileTrigger): Promise<ReconciliationReport> {
    this.running ??= this.pass(trigger).finally(() => (this.running = null));
    return this.running;
  }

  private async pass(trigger: ReconcileTrigger): Promise<ReconciliationReport> {
    const { store, broker, applier, clock } = this.o;
    const started = clock.now();
    const report: ReconciliationReport = {
      trigger,
      startedAt: new Date(started).toISOString(),
      finishedAt: '',
      ok: false,
      brokerOrders: 0,
      updatesApplied: 0,
      adoptedExternal: 0,
      unknownSettled: 0,
      mismatches: [],
    };
    try {
      const swept = await this.o.resolver.sweep();
      report.unknownSettled = swept.resolved + swept['not-at-broker'];
      const book = await broker.orderBook();
      report.brokerOrders = book.length;
      const seen = new Set<string>();
      for (const bo of book) {
        seen.add(bo.brokerOrderId);
        const r = await applier.apply(bo, 'RECONCILIATION', { adoptUnknown: true });
        if (r.outcome === 'applied') report.updatesApplied++;
        if (r.outcome === 'adopted') report.adoptedExternal++;
      }
      const open = await store.findByStatus([...LIVE_STATUSES, 'UNKNOWN']);
      for (const o of open) {
        if (o.status === 'UNKNOWN') {
          report.mismatches.push({
            kind: 'unresolved_unknown',
            subject: o.id,
            local: o.status,
            broker: null,
            message: `order ${o.ordertag} outcome still unknown`,
          });
        } else if (o.brokerOrderId && !seen.has(o.brokerOrderId)) {
          report.mismatches.push({
            kind: 'missing_at_broker',
            subject: o.id,
            local: o.status,
            broker: null,
            message: `open order ${o.ordertag} (${o.brokerOrderId}) is not in the broker's order book`,
          });
        }
      }
      await this.compareFills(report);
      await this.comparePositions(report);
      report.ok = report.mismatches.length === 0;
    } catch (err) {
      report.error = (err as Error).message;
      report.ok = false;
    }
    report.finishedAt = new Date(clock.now()).toISOString();
    this.last = report;
    countReconciliation(report);
    if (report.ok) this.passedOnce = true;
    else {
      this.logger.warn(
        `reconciliation (${trigger}) not clean: ${report.error ?? report.mismatches.map((m) => m.message).join('; ')}`,
      );
      this.o.alerts?.raise({
        key: 'orders.reconciliation',
        severity: 'warning',
        title: 'Reconciliation mismatch: entries blocked',
        message: report.error ?? `${report.mismatches.length} mismatch(es)`,
      });
    }
    await this.o.ds
      .getRepository(ReconciliationRunEntity)
      .save(
        this.o.ds.getRepository(ReconciliationRunEntity).create({
          trigger,
          startedAt: new Date(started),
          finishedAt: new Date(clock.now()),
          ok: report.ok,
          report: report as unknown as Record<string, unknown>,
        }),
        { reload: false },
      )
      .catch((e: Error) => this.logger.error(`cannot persist reconciliation run: ${e.message}`));
    return report;
  }

  private async compareFills(report: ReconciliationReport): Promise<void> {
    const trades = await this.o.broker.tradeBook();
    const byOrder = new Map<string, number>();
    for (const t of trades) byOrder.set(t.brokerOrderId, (byOrder.get(t.brokerOrderId) ?? 0) + t.quantity);
    for (const [brokerOrderId, qty] of byOrder) {
      const local = await this.o.store.findByBrokerRef(brokerOrderId, null);
      if (local && local.filledQuantity !== qty)
        report.mismatches.push({
          kind: 'fill_gap',
          subject: local.id,
          local: local.filledQuantity,
          broker: qty,
          message: `order ${local.ordertag}: filled ${local.filledQuantity} locally, ${qty} in the trade book`,
        });
    }
  }

  private async comparePositions(report: ReconciliationReport): Promise<void> {
    if (!this.o.positions) return;
    const key = (s: string, p: string) => `${s}|${p}`;
    // The broker sees one account: users' positions in the same symbol and product net out.
    const local = new Map<string, number>();
    for (const p of await this.o.positions.netPositions())
      local.set(key(p.symbol, p.product), (local.get(key(p.symbol, p.product)) ?? 0) + p.quantity);
    const remote = new Map(
      (await this.o.broker.positions()).map((p) => [key(p.symbol, p.product), p.netQuantity]),
    );
    for (const k of new Set([...local.keys(), ...remote.keys()])) {
      const a = local.get(k) ?? 0;
      const b = remote.get(k) ?? 0;
      if (a !== b)
        report.mismatches.push({
          kind: 'position',
          subject: k,
          local: a,
          broker: b,
          message: `position ${k.replace('|', ' ')}: ${a} locally, ${b} at the broker`,
        });
    }
  }
}
