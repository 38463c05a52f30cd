/**
 * Candle CSV reader for the backtester. Columns `timestamp,open,high,low,close,volume` (any order, header
 * required); timestamps are ISO-8601 with an explicit offset or epoch milliseconds; prices in rupees.
 *
 * Nothing is silently trusted: structural faults (missing columns, unparsable or non-finite values,
 * negative prices, high < low, open/close outside the range, duplicate or unordered timestamps) are
 * errors and refuse the file; gaps inside a session and zero-volume bars are warnings (the data may be
 * right, e.g. an illiquid contract) unless `strict`, which refuses them too. Every finding names its line.
 */
import { rupeesToPaise } from '@/common/money';
import type { Candle, Interval } from '@/domain/market';

export const INTERVAL_MS: Record<Interval, number> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

const IST_OFFSET_MS = 330 * 60_000;
const REQUIRED = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

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
  | 'EMPTY';

export interface CandleIssue {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  kind: CandleIssueKind;
  message: string;
}

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

/** IST calendar day number of an epoch-ms instant (days since 1970-01-01 in Asia/Kolkata). */
export function istDay(t: number): number {
  return Math.floor((t + IST_OFFSET_MS) / 86_400_000);
}

/** Parse a timestamp cell: epoch ms or ISO-8601 with offset; a bare date is midnight IST (daily files). */
export function parseTimestamp(text: string): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < 1e11) return `epoch '${text}' looks like seconds; epoch milliseconds expected`;
    return n;
  }
  if (DATE_ONLY.test(text)) return Date.parse(`${text}T00:00:00+05:30`);
  if (!ISO_WITH_OFFSET.test(text))
    return `timestamp '${text}' is not ISO-8601 with an offset (e.g. 2026-01-05T09:15:00+05:30) nor epoch ms`;
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : `timestamp '${text}' is not a valid date`;
}

function parsePrice(text: string): number | string {
  if (!/^\d+(\.\d+)?$/.test(text)) {
    return text.startsWith('-') ? `negative price '${text}'` : `price '${text}' is not a number`;
  }
  return rupeesToPaise(text);
}

/** Parse CSV text into validated candles, or refuse it with every finding. */
export function parseCandleCsv(text: string, opts: CandleLoadOptions): CandleLoadResult {
  const max = opts.maxIssues ?? 50;
  const errors: CandleIssue[] = [];
  const warnings: CandleIssue[] = [];
  let errorCount = 0;
  let warningCount = 0;
  const error = (line: number, kind: CandleIssueKind, message: string): void => {
    errorCount++;
    if (errors.length < max) errors.push({ line, kind, message });
  };
  const warn = (line: number, kind: CandleIssueKind, message: string): void => {
    if (opts.strict) return error(line, kind, message);
    warningCount++;
    if (warnings.length < max) warnings.push({ line, kind, message });
  };

  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const col = {} as Record<(typeof REQUIRED)[number], number>;
  for (const name of REQUIRED) {
    col[name] = header.indexOf(name);
    if (col[name] < 0) error(1, 'MISSING_COLUMN', `missing column '${name}' (header: ${header.join(',')})`);
  }
  if (errors.length) return { ok: false, errors, warnings };

  const step = INTERVAL_MS[opts.interval];
  const candles: Candle[] = [];
  let prevT = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    const line = i + 1;
    const cells = raw.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (cells.length < header.length) {
      error(line, 'BAD_ROW', `expected ${header.length} fields, found ${cells.length}`);
      continue;
    }
    const t = parseTimestamp(cells[col.timestamp]);
    if (typeof t === 'string') {
      error(line, 'BAD_TIMESTAMP', t);
      continue;
    }
    const prices = [cells[col.open], cells[col.high], cells[col.low], cells[col.close]].map(parsePrice);
    const bad = prices.find((p) => typeof p === 'string');
    if (bad !== undefined) {
      error(line, 'BAD_PRICE', String(bad));
      continue;
    }
    const [o, h, l, c] = prices as number[];
    const volText = cells[col.volume];
    const volume = Number(volText);
    if (volText === '' || !Number.isFinite(volume) || volume < 0 || !Number.isInteger(volume)) {
      error(line, 'BAD_VOLUME', `volume '${volText}' is not a non-negative whole number`);
      continue;
    }
    if (h < l) {
      error(line, 'HIGH_BELOW_LOW', `high ${cells[col.high]} is below low ${cells[col.low]}`);
      continue;
    }
    if (o > h || o < l || c > h || c < l) {
      error(line, 'OUTSIDE_RANGE', `open or close outside [low, high]`);
      continue;
    }
    if (o === 0 || c === 0) error(line, 'BAD_PRICE', 'zero price');
    if (t === prevT)
      error(line, 'DUPLICATE_TIMESTAMP', `timestamp ${cells[col.timestamp]} repeats the previous row`);
    else if (t < prevT)
      error(
        line,
        'UNORDERED_TIMESTAMP',
        `timestamp ${cells[col.timestamp]} is earlier than the previous row`,
      );
    else if (candles.length > 0) checkGap(prevT, t, step, opts.interval, (msg) => warn(line, 'GAP', msg));
    if (volume === 0) warn(line, 'ZERO_VOLUME', 'zero volume');
    if (t > prevT) prevT = t;
    candles.push({
      symbol: opts.symbol,
      interval: opts.interval,
      start: t,
      openPaise: o,
      highPaise: h,
      lowPaise: l,
      closePaise: c,
      volume,
      closed: true,
    });
  }
  if (candles.length === 0 && errorCount === 0) error(1, 'EMPTY', 'the file has no candle rows');
  if (errorCount > errors.length)
    errors.push({ line: 0, kind: 'BAD_ROW', message: `... and ${errorCount - errors.length} more errors` });
  if (warningCount > warnings.length)
    warnings.push({
      line: 0,
      kind: 'GAP',
      message: `... and ${warningCount - warnings.length} more warnings`,
    });
  return errorCount ? { ok: false, errors, warnings } : { ok: true, candles, warnings };
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

/** Render findings as `line N: KIND: message` lines for the CLI and API errors. */
export function formatIssues(issues: CandleIssue[]): string {
  return issues.map((i) => `line ${i.line}: ${i.kind}: ${i.message}`).join('\n');
}
