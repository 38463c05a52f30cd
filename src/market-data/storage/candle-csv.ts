import { parse } from 'csv-parse/sync';
import { paiseToRupees, rupeesToPaise } from '@/common/money';
import type { Candle } from '@/domain/market';
import { toIstIso } from '@/market-data/calendar/ist';

export const CSV_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface CsvRow {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  start: number;
  openPaise: number;
  highPaise: number;
  lowPaise: number;
  closePaise: number;
  volume: number;
}

export interface CsvProblem {
  line: number;
  reason: string;
}

export type CsvParseOutcome =
  | { ok: true; rows: CsvRow[]; duplicates: { line: number; firstLine: number; timestamp: string }[] }
  | { ok: false; errors: CsvProblem[] };

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;
const EPOCH_MS = /^\d{11,14}$/;
const MAX_ERRORS = 50;

/** ISO-8601 with an explicit offset (a local time without one is ambiguous and refused) or epoch ms. */
export function parseCsvTime(text: string): number | null {
  const s = text.trim();
  if (EPOCH_MS.test(s)) return Number(s);
  if (!ISO_WITH_OFFSET.test(s)) return null;
  const t = Date.parse(s.replace(' ', 'T'));
  return Number.isFinite(t) ? t : null;
}

function price(text: string, column: string): number | string {
  const s = text.trim();
  if (s === '' || /^nan$/i.test(s)) return `${column} is not a number`;
  if (s.startsWith('-')) return `${column} is negative`;
  try {
    const p = rupeesToPaise(s);
    return p <= 0 ? `${column} must be positive` : p;
  } catch {
    return `${column} is not a rupee amount: ${JSON.stringify(s.slice(0, 20))}`;
  }
}

/**
 * Parses candles in `timestamp,open,high,low,close,volume` (header required, any column order, prices
 * in rupees). Refuses the whole file on the first problems found, each with its line and reason, so a
 * partial import never happens. A repeated timestamp with identical values is reported as a duplicate
 * and kept once; with different values it is an error (which one is right is unknowable).
 */
export function parseCandleCsv(text: string): CsvParseOutcome {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    const e = err as { lines?: number; message: string };
    return { ok: false, errors: [{ line: e.lines ?? 1, reason: `not valid CSV: ${e.message}` }] };
  }
  if (records.length === 0)
    return { ok: false, errors: [{ line: 1, reason: 'empty file: expected a header row' }] };
  const header = records[0].map((h) => h.toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length)
    return { ok: false, errors: [{ line: 1, reason: `missing column(s): ${missing.join(', ')}` }] };
  const idx = Object.fromEntries(CSV_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof CSV_COLUMNS)[number],
    number
  >;

  const errors: CsvProblem[] = [];
  const rows: CsvRow[] = [];
  const seen = new Map<number, CsvRow>();
  const duplicates: { line: number; firstLine: number; timestamp: string }[] = [];
  // csv-parse skips empty lines, so the record index is not the line number; `info` gives the real one.
  const lines = lineNumbers(text, records.length);
  for (let r = 1; r < records.length && errors.length < MAX_ERRORS; r++) {
    const rec = records[r];
    const line = lines[r];
    if (rec.length < header.length) {
      errors.push({ line, reason: `expected ${header.length} columns, got ${rec.length}` });
      continue;
    }
    const start = parseCsvTime(rec[idx.timestamp]);
    if (start === null) {
      errors.push({
        line,
        reason: `unparsable time ${JSON.stringify(rec[idx.timestamp].slice(0, 40))} (ISO-8601 with offset or epoch ms)`,
      });
      continue;
    }
    const o = price(rec[idx.open], 'open');
    const h = price(rec[idx.high], 'high');
    const l = price(rec[idx.low], 'low');
    const c = price(rec[idx.close], 'close');
    const bad = [o, h, l, c].find((v) => typeof v === 'string');
    if (bad !== undefined) {
      errors.push({ line, reason: bad });
      continue;
    }
    const [op, hp, lp, cp] = [o, h, l, c] as number[];
    if (hp < lp) {
      errors.push({ line, reason: `high ${rec[idx.high]} is below low ${rec[idx.low]}` });
      continue;
    }
    if (op > hp || op < lp || cp > hp || cp < lp) {
      errors.push({ line, reason: 'open and close must lie between low and high' });
      continue;
    }
    const volText = rec[idx.volume].trim();
    const volume = volText === '' ? 0 : Number(volText);
    if (!Number.isSafeInteger(volume) || volume < 0) {
      errors.push({
        line,
        reason: `volume ${JSON.stringify(volText.slice(0, 20))} is not a non-negative integer`,
      });
      continue;
    }
    const row: CsvRow = { line, start, openPaise: op, highPaise: hp, lowPaise: lp, closePaise: cp, volume };
    const prev = seen.get(start);
    if (prev) {
      if (sameValues(prev, row))
        duplicates.push({ line, firstLine: prev.line, timestamp: rec[idx.timestamp] });
      else
        errors.push({
          line,
          reason: `duplicate timestamp ${rec[idx.timestamp]} (first on line ${prev.line}) with different values`,
        });
      continue;
    }
    seen.set(start, row);
    rows.push(row);
  }
  if (errors.length) return { ok: false, errors };
  rows.sort((a, b) => a.start - b.start);
  return { ok: true, rows, duplicates };
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

/** The 1-based line on which each non-empty record starts (records have no embedded newlines here). */
function lineNumbers(text: string, count: number): number[] {
  const out: number[] = [];
  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < all.length && out.length < count; i++) if (all[i].trim() !== '') out.push(i + 1);
  return out;
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
