/**
 * The one reader of the platform's candle CSV format, shared by the market-data import (REST and
 * `npm run data:import`) and the backtester (REST and `npm run backtest`/`optimize`):
 * `timestamp,open,high,low,close,volume` (header required, any column order, extra columns ignored),
 * timestamps ISO-8601 with an explicit offset or epoch milliseconds, prices in rupees (to paise here).
 *
 * Nothing is silently trusted. Errors refuse the file: missing columns, short rows, timestamps without
 * an offset or in epoch seconds, prices that are not positive rupee amounts (NaN, negative, zero),
 * volumes that are not whole numbers, high < low, open/close outside [low, high], duplicate or unordered
 * timestamps. Gaps inside a session and zero-volume bars are warnings (an illiquid contract is real
 * data) unless `strict`. Every finding names its 1-based line. The caller chooses only what an
 * identical repeated row means: an error (a backtest must not double-count a bar) or a duplicate that is
 * reported and kept once (an import can merge it safely, and says so).
 */
import { rupeesToPaise } from '@/common/money';
import type { Candle, Interval } from '@/domain/market';
import { DAY_MS, IST_OFFSET_MS } from '@/market-data/calendar/ist';
import { INTERVAL_MS } from '@/market-data/candles/intervals';
import { cellsOf } from '@/market-data/storage/csv-cells';

export const CSV_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
type Column = (typeof CSV_COLUMNS)[number];

export type CandleIssueKind =
  | 'MISSING_COLUMN'
  | 'BAD_ROW'
  | 'BAD_TIMESTAMP'
  | 'BAD_PRICE'
  | 'BAD_VOLUME'
  | 'HIGH_BELOW_LOW'
  | 'OUTSIDE_RANGE'
  | 'DUPLICATE_TIMESTAMP'
  | 'UNORDERED_TIMESTAMP'
  | 'GAP'
  | 'ZERO_VOLUME'
  | 'EMPTY'
  | 'TRUNCATED';

export interface CandleIssue {
  /** 1-based line in the file (the header is line 1); 0 for the "and N more" summary. */
  line: number;
  kind: CandleIssueKind;
  message: string;
  /** MISSING_COLUMN: the column's name. */
  column?: string;
}

/** A candle's time and values without its symbol and interval (a CSV row, an API page item). */
export type CandleValues = Pick<
  Candle,
  'start' | 'openPaise' | 'highPaise' | 'lowPaise' | 'closePaise' | 'volume'
>;

export interface CsvRow extends CandleValues {
  /** 1-based line in the file (the header is line 1). */
  line: number;
}

/** A validated row as a closed candle of the given instrument and interval. */
export function rowToCandle(row: CandleValues, symbol: string, interval: Interval): Candle {
  const { start, openPaise, highPaise, lowPaise, closePaise, volume } = row;
  return { symbol, interval, start, openPaise, highPaise, lowPaise, closePaise, volume, closed: true };
}

export interface CsvDuplicate {
  line: number;
  firstLine: number;
  timestamp: string;
}

export interface CandleCsvOptions {
  /** The bars' interval: enables gap findings and, for '1d', bare dates (midnight IST). */
  interval?: Interval;
  /** Refuse gaps and zero-volume bars too. */
  strict?: boolean;
  /** Keep at most this many findings of each severity (a broken 1M-line file would print 1M lines). */
  maxIssues?: number;
  /** An identical repeated timestamp: 'refuse' (an error) or 'report' (listed in `duplicates`, kept once). */
  duplicates: 'refuse' | 'report';
}

export interface CandleCsvRead {
  /** Valid rows in time order (meaningful only when `errors` is empty). */
  rows: CsvRow[];
  errors: CandleIssue[];
  warnings: CandleIssue[];
  duplicates: CsvDuplicate[];
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const EPOCH_MS_MIN = 1e11; // 1973-03-03: anything smaller is epoch seconds or garbage
const EPOCH_MS_DIGITS = 14;
const RUPEES = /^\d+(\.\d+)?$/;
const WHOLE = /^\d+$/;

/** IST calendar day number of an epoch-ms instant (days since 1970-01-01 in Asia/Kolkata). */
export function istDay(t: number): number {
  return Math.floor((t + IST_OFFSET_MS) / DAY_MS);
}

/**
 * A timestamp cell as epoch ms, or the reason it is refused. A bare date (midnight IST) only when
 * `dateOnly` (daily files): a local time without an offset is ambiguous and always refused.
 */
export function readCsvTime(text: string, dateOnly = false): number | string {
  const s = text.trim();
  const refuse = (why: string): string => `unparsable time ${JSON.stringify(s.slice(0, 40))}: ${why}`;
  if (WHOLE.test(s)) {
    if (s.length > EPOCH_MS_DIGITS) return refuse('epoch milliseconds out of range');
    const n = Number(s);
    return n < EPOCH_MS_MIN ? refuse('looks like epoch seconds; epoch milliseconds expected') : n;
  }
  if (dateOnly && DATE_ONLY.test(s)) {
    const t = Date.parse(`${s}T00:00:00+05:30`);
    return Number.isFinite(t) ? t : refuse('not a valid date');
  }
  if (!ISO_WITH_OFFSET.test(s))
    return refuse('expected ISO-8601 with an offset (e.g. 2026-01-05T09:15:00+05:30) or epoch ms');
  const t = Date.parse(s.replace(' ', 'T'));
  return Number.isFinite(t) ? t : refuse('not a valid date');
}

function readPrice(text: string, column: string): number | string {
  const shown = (): string => JSON.stringify(text.slice(0, 20));
  if (!RUPEES.test(text))
    return text.startsWith('-')
      ? `${column} is negative: ${shown()}`
      : `${column} is not a number: ${shown()}`;
  let p: number;
  try {
    p = rupeesToPaise(text);
  } catch {
    return `${column} is out of range: ${shown()}`;
  }
  return p > 0 ? p : `${column} must be positive: ${shown()}`;
}

/** Index of the row starting at t in rows sorted by start, or -1. */
function findRow(rows: CsvRow[], t: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].start === t) return mid;
    if (rows[mid].start < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function sameValues(a: Omit<CsvRow, 'line' | 'start'>, b: Omit<CsvRow, 'line' | 'start'>): boolean {
  return (
    a.openPaise === b.openPaise &&
    a.highPaise === b.highPaise &&
    a.lowPaise === b.lowPaise &&
    a.closePaise === b.closePaise &&
    a.volume === b.volume
  );
}

/** Read and validate candle CSV text; the file is acceptable exactly when `errors` is empty. */
export function readCandleCsv(text: string, opts: CandleCsvOptions): CandleCsvRead {
  const max = opts.maxIssues ?? 50;
  const out: CandleCsvRead = { rows: [], errors: [], warnings: [], duplicates: [] };
  let errorCount = 0;
  let warningCount = 0;
  const error = (line: number, kind: CandleIssueKind, message: string, column?: string): void => {
    errorCount++;
    if (out.errors.length < max) out.errors.push({ line, kind, message, ...(column ? { column } : {}) });
  };
  const warn = (line: number, kind: CandleIssueKind, message: string): void => {
    if (opts.strict) return error(line, kind, message);
    warningCount++;
    if (out.warnings.length < max) out.warnings.push({ line, kind, message });
  };

  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let h = 0;
  while (h < lines.length && lines[h].trim() === '') h++;
  if (h === lines.length) {
    error(1, 'EMPTY', 'empty file: expected a header row');
    return out;
  }
  const header = (cellsOf(lines[h]) ?? []).map((c) => c.toLowerCase());
  const col = {} as Record<Column, number>;
  for (const name of CSV_COLUMNS) {
    col[name] = header.indexOf(name);
    if (col[name] < 0)
      error(h + 1, 'MISSING_COLUMN', `missing column '${name}' (header: ${header.join(',')})`, name);
  }
  if (errorCount) return out;

  const rows = out.rows;
  const step = opts.interval ? INTERVAL_MS[opts.interval] : 0;
  const dateOnly = opts.interval === '1d';
  for (let i = h + 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    const line = i + 1;
    const cells = cellsOf(raw);
    if (!cells) {
      error(line, 'BAD_ROW', 'unterminated or misplaced quote');
      continue;
    }
    if (cells.length < header.length) {
      error(line, 'BAD_ROW', `expected ${header.length} fields, found ${cells.length}`);
      continue;
    }
    const stamp = cells[col.timestamp];
    const start = readCsvTime(stamp, dateOnly);
    if (typeof start === 'string') {
      error(line, 'BAD_TIMESTAMP', start);
      continue;
    }
    const prices = (['open', 'high', 'low', 'close'] as const).map((c) => readPrice(cells[col[c]], c));
    const bad = prices.find((p) => typeof p === 'string');
    if (bad !== undefined) {
      error(line, 'BAD_PRICE', bad);
      continue;
    }
    const [o, hi, lo, c] = prices as number[];
    const volText = cells[col.volume];
    const volume = Number(volText);
    if (!WHOLE.test(volText) || !Number.isSafeInteger(volume)) {
      error(
        line,
        'BAD_VOLUME',
        `volume ${JSON.stringify(volText.slice(0, 20))} is not a non-negative whole number`,
      );
      continue;
    }
    if (hi < lo) {
      error(line, 'HIGH_BELOW_LOW', `high ${cells[col.high]} is below low ${cells[col.low]}`);
      continue;
    }
    if (o > hi || o < lo || c > hi || c < lo) {
      error(line, 'OUTSIDE_RANGE', 'open and close must lie between low and high');
      continue;
    }
    const row: CsvRow = { line, start, openPaise: o, highPaise: hi, lowPaise: lo, closePaise: c, volume };
    const prev = rows.length ? rows[rows.length - 1] : undefined;
    if (prev && start <= prev.start) {
      // Accepted rows are in time order, so an earlier time is either a repeat or out of order.
      const first = findRow(rows, start);
      if (first < 0)
        error(line, 'UNORDERED_TIMESTAMP', `timestamp ${stamp} is earlier than line ${prev.line}`);
      else if (!sameValues(rows[first], row))
        error(
          line,
          'DUPLICATE_TIMESTAMP',
          `duplicate timestamp ${stamp} (first on line ${rows[first].line}) with different values`,
        );
      else if (opts.duplicates === 'refuse')
        error(line, 'DUPLICATE_TIMESTAMP', `duplicate timestamp ${stamp} repeats line ${rows[first].line}`);
      else out.duplicates.push({ line, firstLine: rows[first].line, timestamp: stamp });
      continue;
    }
    if (prev && step) checkGap(prev.start, start, step, opts.interval!, (m) => warn(line, 'GAP', m));
    if (volume === 0) warn(line, 'ZERO_VOLUME', 'zero volume');
    rows.push(row);
  }
  if (rows.length === 0 && errorCount === 0) error(h + 1, 'EMPTY', 'the file has no candle rows');
  if (errorCount > out.errors.length)
    out.errors.push({
      line: 0,
      kind: 'TRUNCATED',
      message: `... and ${errorCount - out.errors.length} more errors`,
    });
  if (warningCount > out.warnings.length)
    out.warnings.push({
      line: 0,
      kind: 'TRUNCATED',
      message: `... and ${warningCount - out.warnings.length} more warnings`,
    });
  return out;
}

/**
 * Intraday: a jump larger than one interval within the same IST day is a gap (overnight is not).
 * Daily: a missing weekday is reported (it may be an exchange holiday, hence only a warning).
 */
function checkGap(
  prev: number,
  t: number,
  step: number,
  interval: Interval,
  report: (m: string) => void,
): void {
  if (interval !== '1d') {
    if (istDay(prev) === istDay(t) && t - prev > step)
      report(`gap of ${Math.round((t - prev) / step) - 1} missing ${interval} bar(s)`);
    return;
  }
  let missing = 0;
  for (let d = istDay(prev) + 1; d < istDay(t); d++) {
    const weekday = (d + 4) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday
    if (weekday !== 0 && weekday !== 6) missing++;
  }
  if (missing > 0) report(`${missing} missing weekday(s) before this bar (holiday or gap)`);
}
