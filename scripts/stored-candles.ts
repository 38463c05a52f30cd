/**
 * Candles from the `candles` table for the CLIs (`npm run backtest -- --from ... --to ...`), read through
 * the market-data CandleStore over DATABASE_URL. The range is [from, to), each bound ISO-8601 with an
 * offset or epoch ms, as everywhere else. Refusals are outcomes with a message for the user; the message
 * never repeats the database URL (it may carry a password).
 */
import { DataSource } from 'typeorm';
import type { Candle, Interval } from '@/domain/market';
import { normaliseDatabaseUrl } from '@/database/data-source.options';
import { parseCsvTime } from '@/market-data/storage/candle-csv';
import { CandleStore } from '@/market-data/storage/candle-store';

/** As the worker's limit for stored-candle runs: a one-minute bar is ~200 bytes in memory. */
export const MAX_STORED_BARS = 2_000_000;
const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/trading_bot';

export type StoredLoad = { ok: true; candles: Candle[] } | { ok: false; message: string };

export async function loadStoredCandles(
  q: { symbol: string; interval: Interval; from: string; to: string },
  databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  maxBars = MAX_STORED_BARS,
): Promise<StoredLoad> {
  const from = parseCsvTime(q.from);
  const to = parseCsvTime(q.to);
  if (from === null || to === null)
    return { ok: false, message: '--from and --to are ISO-8601 times with an offset or epoch milliseconds' };
  if (!(from < to)) return { ok: false, message: '--from must be before --to' };
  // Only plain queries: no entity metadata to load, one connection.
  const ds = new DataSource({
    type: 'postgres',
    url: normaliseDatabaseUrl(databaseUrl),
    extra: { max: 1, connectionTimeoutMillis: 5000 },
  });
  await ds.initialize();
  try {
    const candles = await new CandleStore(ds).range(q.symbol, q.interval, from, to, maxBars + 1);
    if (candles.length === 0)
      return {
        ok: false,
        message: `no stored ${q.interval} candles for ${q.symbol} in [${new Date(from).toISOString()}, ${new Date(to).toISOString()})`,
      };
    if (candles.length > maxBars)
      return {
        ok: false,
        message: `more than ${maxBars} bars in the range; split it or use a longer interval`,
      };
    return { ok: true, candles };
  } finally {
    await ds.destroy();
  }
}
