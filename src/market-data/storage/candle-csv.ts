/**
 * The market-data side of the candle CSV format: import outcomes in the shape the REST import and
 * `npm run data:import` report (`{ line, reason }` problems), and the export writer. Reading and
 * validation are candle-csv-reader.ts, shared with the backtester.
 */
import { paiseToRupees } from '@/common/money';
import type { Candle, Interval } from '@/domain/market';
import { toIstIso } from '@/market-data/calendar/ist';
import {
  CSV_COLUMNS,
  readCandleCsv,
  readCsvTime,
  type CandleIssue,
  type CsvDuplicate,
  type CsvRow,
} from '@/market-data/storage/candle-csv-reader';

export { CSV_COLUMNS, sameValues, type CsvRow } from '@/market-data/storage/candle-csv-reader';

export interface CsvProblem {
  line: number;
  reason: string;
}

export type CsvParseOutcome =
  | { ok: true; rows: CsvRow[]; duplicates: CsvDuplicate[]; warnings?: CandleIssue[] }
  | { ok: false; errors: CsvProblem[] };

/** ISO-8601 with an explicit offset (a local time without one is ambiguous and refused) or epoch ms. */
export function parseCsvTime(text: string): number | null {
  const t = readCsvTime(text);
  return typeof t === 'number' ? t : null;
}

/** Findings as `{ line, reason }`, the missing columns folded into one problem as imports report them. */
export function csvProblems(issues: CandleIssue[]): CsvProblem[] {
  const missing = issues.filter((i) => i.kind === 'MISSING_COLUMN').map((i) => i.column);
  const rest = issues
    .filter((i) => i.kind !== 'MISSING_COLUMN')
    .map((i) => ({ line: i.line, reason: i.message }));
  return missing.length ? [{ line: 1, reason: `missing column(s): ${missing.join(', ')}` }, ...rest] : rest;
}

/**
 * Candles for an import. Refuses the whole file on any problem, each with its line and reason, so a
 * partial import never happens. A repeated timestamp with identical values is reported as a duplicate
 * and kept once; with different values it is an error (which one is right is unknowable). With the
 * interval, gaps and zero-volume bars come back as warnings.
 */
export function parseCandleCsv(text: string, interval?: Interval): CsvParseOutcome {
  const r = readCandleCsv(text, { interval, duplicates: 'report' });
  if (r.errors.length) return { ok: false, errors: csvProblems(r.errors) };
  return { ok: true, rows: r.rows, duplicates: r.duplicates, ...(interval ? { warnings: r.warnings } : {}) };
}

/** Candles to CSV, times in IST with offset, prices as rupee decimals. */
export function candlesToCsv(
  candles: Iterable<Pick<Candle, 'start' | 'openPaise' | 'highPaise' | 'lowPaise' | 'closePaise' | 'volume'>>,
): string {
  let out = CSV_COLUMNS.join(',') + '\n';
  for (const c of candles) {
    out += `${toIstIso(c.start)},${paiseToRupees(c.openPaise)},${paiseToRupees(c.highPaise)},${paiseToRupees(c.lowPaise)},${paiseToRupees(c.closePaise)},${c.volume}\n`;
  }
  return out;
}
