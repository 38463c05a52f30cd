import type { DataSource } from 'typeorm';
import type { Candle, Interval } from '@/domain/market';
import type { CandleSource } from './candle.entity';
import { rowToCandle, sameValues, type CsvRow } from './candle-csv-reader';

export interface ImportConflict {
  line: number;
  start: number;
  existing: Omit<CsvRow, 'line' | 'start'>;
  incoming: Omit<CsvRow, 'line' | 'start'>;
}

export interface ImportReport {
  symbol: string;
  interval: Interval;
  rows: number;
  inserted: number;
  /** Already stored with identical values: re-importing the same file is a no-op. */
  unchanged: number;
  /** Stored with different values; left as they were unless `replace` was asked for. */
  conflicts: ImportConflict[];
  replaced: number;
}

type Row = Record<string, string | Date>;
/** A DataSource or a transaction's EntityManager. */
type Queryable = { query: (sql: string, params?: unknown[]) => Promise<unknown> };

const COLS = `"symbol", "interval", "start", "open_paise", "high_paise", "low_paise", "close_paise", "volume", "source"`;
const CHUNK = 5000;

/**
 * Candle persistence through plain SQL on the `candles` table: batched upserts with unnest so a day of
 * 1m candles for hundreds of symbols is a handful of statements, not thousands.
 */
export class CandleStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Stores closed candles. `overwrite` replaces stored values (the live aggregator is the authority for
   * today's candles); `keep` only fills gaps (a backfill never clobbers imported or live data).
   */
  async save(candles: readonly Candle[], source: CandleSource, mode: 'overwrite' | 'keep'): Promise<number> {
    return upsert(this.ds, candles, source, mode);
  }

  /** Imports parsed CSV rows idempotently: new rows inserted, identical rows counted, differing rows reported. */
  async importRows(
    symbol: string,
    interval: Interval,
    rows: readonly CsvRow[],
    opts: { replace?: boolean } = {},
  ): Promise<ImportReport> {
    const report: ImportReport = {
      symbol,
      interval,
      rows: rows.length,
      inserted: 0,
      unchanged: 0,
      conflicts: [],
      replaced: 0,
    };
    if (rows.length === 0) return report;
    return this.ds.transaction(async (em) => {
      const existing = new Map<number, Omit<CsvRow, 'line' | 'start'>>();
      const stored: Row[] = await em.query(
        `SELECT "start", "open_paise", "high_paise", "low_paise", "close_paise", "volume" FROM "candles"
         WHERE "symbol" = $1 AND "interval" = $2 AND "start" >= $3 AND "start" <= $4 FOR UPDATE`,
        [symbol, interval, new Date(rows[0].start), new Date(rows[rows.length - 1].start)],
      );
      for (const r of stored) existing.set((r.start as Date).getTime(), fromDb(r));
      const fresh: Candle[] = [];
      const replace: Candle[] = [];
      for (const row of rows) {
        const have = existing.get(row.start);
        const candle = rowToCandle(row, symbol, interval);
        if (!have) fresh.push(candle);
        else if (sameValues(have, row)) report.unchanged++;
        else {
          report.conflicts.push({
            line: row.line,
            start: row.start,
            existing: have,
            incoming: {
              openPaise: row.openPaise,
              highPaise: row.highPaise,
              lowPaise: row.lowPaise,
              closePaise: row.closePaise,
              volume: row.volume,
            },
          });
          if (opts.replace) replace.push(candle);
        }
      }
      report.inserted = await upsert(em, fresh, 'import', 'keep');
      report.replaced = await upsert(em, replace, 'import', 'overwrite');
      return report;
    });
  }

  /** Closed candles in [from, to) by start, oldest first, at most `limit`. */
  async range(
    symbol: string,
    interval: Interval,
    from: number,
    to: number,
    limit: number,
  ): Promise<Candle[]> {
    const rows: Row[] = await this.ds.query(
      `SELECT "start", "open_paise", "high_paise", "low_paise", "close_paise", "volume" FROM "candles"
       WHERE "symbol" = $1 AND "interval" = $2 AND "start" >= $3 AND "start" < $4 ORDER BY "start" LIMIT $5`,
      [symbol, interval, new Date(from), new Date(to), limit],
    );
    return rows.map((r) => ({
      symbol,
      interval,
      start: (r.start as Date).getTime(),
      ...fromDb(r),
      closed: true,
    }));
  }

  /** Number of stored candles in [from, to): backfill progress and tests. */
  async count(symbol: string, interval: Interval, from: number, to: number): Promise<number> {
    const [r]: { n: string }[] = await this.ds.query(
      `SELECT count(*) AS n FROM "candles" WHERE "symbol" = $1 AND "interval" = $2 AND "start" >= $3 AND "start" < $4`,
      [symbol, interval, new Date(from), new Date(to)],
    );
    return Number(r.n);
  }
}

async function upsert(
  q: Queryable,
  candles: readonly Candle[],
  source: CandleSource,
  mode: 'overwrite' | 'keep',
): Promise<number> {
  let written = 0;
  for (let i = 0; i < candles.length; i += CHUNK) {
    const part = candles.slice(i, i + CHUNK);
    const conflict =
      mode === 'keep'
        ? 'DO NOTHING'
        : `DO UPDATE SET "open_paise" = EXCLUDED."open_paise", "high_paise" = EXCLUDED."high_paise", "low_paise" = EXCLUDED."low_paise",
           "close_paise" = EXCLUDED."close_paise", "volume" = EXCLUDED."volume", "source" = EXCLUDED."source", "updated_at" = now()`;
    const res: unknown = await q.query(
      `INSERT INTO "candles" (${COLS})
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::varchar[])
       ON CONFLICT ("symbol", "interval", "start") ${conflict} RETURNING 1`,
      [
        part.map((c) => c.symbol),
        part.map((c) => c.interval),
        part.map((c) => new Date(c.start)),
        part.map((c) => c.openPaise),
        part.map((c) => c.highPaise),
        part.map((c) => c.lowPaise),
        part.map((c) => c.closePaise),
        part.map((c) => c.volume),
        part.map(() => source),
      ],
    );
    written += Array.isArray(res) ? res.length : 0;
  }
  return written;
}

function fromDb(r: Row): Omit<CsvRow, 'line' | 'start'> {
  return {
    openPaise: Number(r.open_paise),
    highPaise: Number(r.high_paise),
    lowPaise: Number(r.low_paise),
    closePaise: Number(r.close_paise),
    volume: Number(r.volume),
  };
}
