/**
 * Candle CSV for the backtester: the platform's one CSV reader (market-data/storage/candle-csv-reader.ts,
 * also behind the market-data import) with the backtester's rules on top: an identical repeated
 * timestamp is refused (a bar must not count twice), and a bare date is accepted in daily files only.
 * Structural faults refuse the file; gaps inside a session and zero-volume bars are warnings unless
 * `strict`. Every finding names its line.
 */
import type { Candle, Interval } from '@/domain/market';
import { readCandleCsv, rowToCandle, type CandleIssue } from '@/market-data/storage/candle-csv-reader';

export { INTERVAL_MS } from '@/market-data/candles/intervals';
export { istDay, type CandleIssue, type CandleIssueKind } from '@/market-data/storage/candle-csv-reader';

export interface CandleLoadOptions {
  symbol: string;
  interval: Interval;
  /** Refuse gaps and zero-volume bars too. */
  strict?: boolean;
  /** Stop collecting after this many findings of each severity (a broken 1M-line file would otherwise print 1M lines). */
  maxIssues?: number;
}

export type CandleLoadResult =
  | { ok: true; candles: Candle[]; warnings: CandleIssue[] }
  | { ok: false; errors: CandleIssue[]; warnings: CandleIssue[] };

/** Parse CSV text into validated candles, or refuse it with every finding. */
export function parseCandleCsv(text: string, opts: CandleLoadOptions): CandleLoadResult {
  const r = readCandleCsv(text, {
    interval: opts.interval,
    strict: opts.strict,
    maxIssues: opts.maxIssues,
    duplicates: 'refuse',
  });
  if (r.errors.length) return { ok: false, errors: r.errors, warnings: r.warnings };
  const candles = r.rows.map((row) => rowToCandle(row, opts.symbol, opts.interval));
  return { ok: true, candles, warnings: r.warnings };
}

/** Render findings as `line N: KIND: message` lines for the CLI and API errors. */
export function formatIssues(issues: CandleIssue[]): string {
  return issues.map((i) => `line ${i.line}: ${i.kind}: ${i.message}`).join('\n');
}
