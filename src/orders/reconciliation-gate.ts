import type { DataSource } from 'typeorm';
import type { ReconciliationReport } from './reconciler';

/**
 * Whether trading may proceed, as the last persisted reconciliation says, so API processes that do not
 * reconcile themselves honour the worker's result. Refreshed on a timer; read synchronously on the hot path.
 */
export class ReconciliationGate {
  private last: { ok: boolean; mismatches: number; anyPassed: boolean } | null = null;

  constructor(private readonly ds: DataSource) {}

  async refresh(): Promise<void> {
    const rows: { ok: boolean; mismatches: number | null }[] = await this.ds.query(
      `SELECT ok, jsonb_array_length(report->'mismatches') AS mismatches FROM reconciliation_runs ORDER BY id DESC LIMIT 1`,
    );
    // Passed since the latest startup: a restarted worker blocks trading again until its own pass.
    const passed: { passed: boolean | null }[] = await this.ds.query(
      `SELECT bool_or(ok) AS passed FROM reconciliation_runs
       WHERE id >= COALESCE((SELECT max(id) FROM reconciliation_runs WHERE trigger = 'startup'), 0)`,
    );
    this.last = rows.length
      ? { ok: rows[0].ok, mismatches: rows[0].mismatches ?? 0, anyPassed: passed[0].passed === true }
      : null;
  }

  /** Called by the local reconciler right after a pass. */
  observe(r: ReconciliationReport): void {
    const carried = r.trigger === 'startup' ? false : (this.last?.anyPassed ?? false);
    this.last = { ok: r.ok, mismatches: r.mismatches.length, anyPassed: carried || r.ok };
  }

  /** A worker starting up: nothing trades until its startup pass succeeds. */
  async markStartup(): Promise<void> {
    await this.ds.query(
      `INSERT INTO reconciliation_runs (trigger, started_at, ok, report) VALUES ('startup', now(), false, '{"pending": true, "mismatches": []}')`,
    );
    this.last = { ok: false, mismatches: 0, anyPassed: false };
  }

  allBlocked(): string | null {
    return this.last?.anyPassed ? null : 'trading is halted until the startup reconciliation passes';
  }

  entriesBlocked(): string | null {
    const all = this.allBlocked();
    if (all) return all;
    return this.last && !this.last.ok
      ? `reconciliation found ${this.last.mismatches} mismatch(es); exits only until resolved`
      : null;
  }
}
