import type { CandleRequest } from '@/broker/broker.types';
import { isBrokerError } from '@/broker/broker.errors';
import type { Candle, Instrument, Interval } from '@/domain/market';
import { planBackfill } from './backfill-plan';
import type { RateWindow } from './rate-window';

export interface BackfillRequest {
  instrument: Pick<Instrument, 'symbol' | 'exchange' | 'token'>;
  interval: Interval;
  from: number;
  to: number;
  /** Resume point: chunks before it are already stored. */
  startChunk?: number;
}

export interface BackfillProgress {
  symbol: string;
  interval: Interval;
  chunksDone: number;
  chunksTotal: number;
  candlesFetched: number;
  candlesStored: number;
}

export interface BackfillDeps {
  fetch: (req: CandleRequest) => Promise<Candle[]>;
  store: (candles: Candle[]) => Promise<number>;
  rate: RateWindow;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Maps a broker candle start onto the platform's (daily candles start at the session open). */
  normaliseStart?: (c: Candle) => number;
  onProgress?: (p: BackfillProgress) => void | Promise<void>;
  /** Rate-limit answers tolerated per chunk before giving up (Bull then retries the job with backoff). */
  maxRateLimitedRetries?: number;
}

/**
 * Downloads a range chunk by chunk (max days per interval), each request waiting for a slot in the
 * shared candle rate window, and stores what comes back without overwriting existing candles.
 */
export async function runBackfill(req: BackfillRequest, deps: BackfillDeps): Promise<BackfillProgress> {
  const chunks = planBackfill(req.interval, req.from, req.to);
  const p: BackfillProgress = {
    symbol: req.instrument.symbol,
    interval: req.interval,
    chunksDone: req.startChunk ?? 0,
    chunksTotal: chunks.length,
    candlesFetched: 0,
    candlesStored: 0,
  };
  for (let i = p.chunksDone; i < chunks.length; i++) {
    const chunk = chunks[i];
    let candles: Candle[] | undefined;
    for (let attempt = 0; candles === undefined; attempt++) {
      await acquire(deps);
      try {
        candles = await deps.fetch({
          instrument: req.instrument,
          interval: req.interval,
          from: chunk.from,
          to: chunk.to,
        });
      } catch (err) {
        if (
          !isBrokerError(err) ||
          err.kind !== 'rate_limited' ||
          attempt >= (deps.maxRateLimitedRetries ?? 5)
        )
          throw err;
        await deps.sleep(1000 * (attempt + 1));
      }
    }
    const inRange = candles
      .map((c) => (deps.normaliseStart ? { ...c, start: deps.normaliseStart(c) } : c))
      .filter((c) => c.start >= chunk.from && c.start < chunk.to)
      .map((c) => ({ ...c, symbol: req.instrument.symbol, interval: req.interval, closed: true }));
    p.candlesFetched += candles.length;
    p.candlesStored += inRange.length ? await deps.store(inRange) : 0;
    p.chunksDone = i + 1;
    await deps.onProgress?.({ ...p });
  }
  return p;
}

async function acquire(deps: BackfillDeps): Promise<void> {
  for (;;) {
    const wait = await deps.rate.tryAcquire(deps.now());
    if (wait <= 0) return;
    await deps.sleep(wait);
  }
}
