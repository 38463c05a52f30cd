import type { Candle, Interval } from '@/domain/market';
import type { CandleStore } from '@/market-data/storage/candle-store';

/** Stored candles for a backtest, by symbol, interval and [from, to), oldest first, at most `limit`. */
export abstract class StoredCandles {
  abstract range(
    symbol: string,
    interval: Interval,
    from: number,
    to: number,
    limit: number,
  ): Promise<Candle[]>;
}

/** Reads the market-data module's `candles` table through its public CandleStore. */
export class CandleStoreCandles extends StoredCandles {
  constructor(private readonly store: Pick<CandleStore, 'range'>) {
    super();
  }

  range(symbol: string, interval: Interval, from: number, to: number, limit: number): Promise<Candle[]> {
    return this.store.range(symbol, interval, from, to, limit);
  }
}
