import type { AlertSeverity, AlertStatus, DeliveryResult } from './alert.types';

export interface AlertRow {
  id: string;
  key: string;
  severity: AlertSeverity;
  title: string;
  details: Record<string, unknown>;
  status: AlertStatus;
  deliveries: DeliveryResult[];
  occurrences: number;
  createdAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}

export interface AlertQuery {
  page: number;
  pageSize: number;
  severity?: AlertSeverity;
  key?: string;
  /** Only alerts raised at or after this instant. */
  since?: Date;
}

export interface AlertPage {
  items: AlertRow[];
  total: number;
  page: number;
  pageSize: number;
}

/** Alert history (the `alerts` table in the app; an in-memory one in unit specs). */
export abstract class AlertStore {
  abstract insert(row: AlertRow): Promise<void>;
  abstract finish(id: string, status: AlertStatus, deliveries: DeliveryResult[]): Promise<void>;
  /** A de-duplicated repeat of the alert `id`. */
  abstract repeat(id: string, at: Date): Promise<void>;
  /** Marks every open alert of `key` resolved. */
  abstract resolve(key: string, at: Date): Promise<void>;
  abstract list(q: AlertQuery): Promise<AlertPage>;
}

export class MemoryAlertStore extends AlertStore {
  readonly rows: AlertRow[] = [];

  async insert(row: AlertRow): Promise<void> {
    this.rows.push({ ...row });
  }
  async finish(id: string, status: AlertStatus, deliveries: DeliveryResult[]): Promise<void> {
    const r = this.rows.find((x) => x.id === id);
    if (r) Object.assign(r, { status, deliveries });
  }
  async repeat(id: string, at: Date): Promise<void> {
    const r = this.rows.find((x) => x.id === id);
    if (r) Object.assign(r, { occurrences: r.occurrences + 1, lastSeenAt: at });
  }
  async resolve(key: string, at: Date): Promise<void> {
    for (const r of this.rows) if (r.key === key && !r.resolvedAt) r.resolvedAt = at;
  }
  async list(q: AlertQuery): Promise<AlertPage> {
    const hits = this.rows
      .filter(
        (r) =>
          (!q.severity || r.severity === q.severity) &&
          (!q.key || r.key === q.key) &&
          (!q.since || r.createdAt >= q.since),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return {
      items: hits.slice((q.page - 1) * q.pageSize, q.page * q.pageSize),
      total: hits.length,
      page: q.page,
      pageSize: q.pageSize,
    };
  }
}
