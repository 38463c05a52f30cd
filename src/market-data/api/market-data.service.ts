import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import type Redis from 'ioredis';
import { BrokerGateway } from '@/broker/broker-gateway';
import { AppConfig } from '@/config/app-config';
import type { DepthLevel, Instrument, Interval, Tick } from '@/domain/market';
import { JOB_OPTIONS, QUEUES } from '@/queues/queue.constants';
import { REDIS } from '@/redis/redis.module';
import { MAX_DAYS_PER_REQUEST, planBackfill } from '@/market-data/backfill/backfill-plan';
import { MarketCalendar, segmentOf } from '@/market-data/calendar/market-calendar';
import { isInterval } from '@/market-data/candles/intervals';
import { TickCache } from '@/market-data/feed/tick-cache';
import {
  InstrumentDirectory,
  type InstrumentPage,
  type InstrumentQuery,
} from '@/market-data/instruments/instrument-directory';
import {
  BadCsvError,
  BadIntervalError,
  BadRangeError,
  UnknownSymbolError,
} from '@/market-data/market-data.errors';
import { MarketDataKeys } from '@/market-data/market-data.keys';
import { candlesToCsv, parseCandleCsv, parseCsvTime } from '@/market-data/storage/candle-csv';
import type { CandleValues } from '@/market-data/storage/candle-csv-reader';
import { CandleStore, type ImportReport } from '@/market-data/storage/candle-store';
import type { BackfillJobData } from '@/market-data/backfill/backfill.processor';

export interface QuoteView extends Omit<Tick, 'bids' | 'asks'> {
  /** No tick for STALE_TICK_SECONDS while the instrument's market is open. */
  stale: boolean;
  source: 'stream' | 'broker';
}

export interface DepthView {
  symbol: string;
  bids: DepthLevel[];
  asks: DepthLevel[];
  exchangeTime: number | null;
  stale: boolean;
}

export interface CandlePage {
  symbol: string;
  interval: Interval;
  items: CandleValues[];
  /** Pass as `from` to read the next page; null at the end of the range. */
  nextFrom: number | null;
}

const DAY = 86_400_000;
const MAX_QUOTE_SYMBOLS = 50;

/** What the REST routes do; controllers stay one line per route. */
@Injectable()
export class MarketDataService {
  private readonly cache: TickCache;
  private readonly staleMs: number;

  constructor(
    private readonly instruments: InstrumentDirectory,
    private readonly candles: CandleStore,
    private readonly calendar: MarketCalendar,
    keys: MarketDataKeys,
    config: AppConfig,
    @Inject(REDIS) redis: Redis,
    @InjectQueue(QUEUES.backfill) private readonly backfillQueue: Queue<BackfillJobData>,
    @Optional() private readonly broker?: BrokerGateway,
  ) {
    this.cache = new TickCache(redis, (s) => keys.tick(s), keys.ticksChannel);
    this.staleMs = config.env.STALE_TICK_SECONDS * 1000;
  }

  searchInstruments(q: InstrumentQuery): Promise<InstrumentPage> {
    return this.instruments.search(q);
  }

  async instrument(symbol: string): Promise<Instrument> {
    const i = await this.instruments.get(symbol);
    if (!i) throw new UnknownSymbolError([symbol]);
    return i;
  }

  async quotes(symbolsCsv: string, now = Date.now()): Promise<QuoteView[]> {
    const symbols = [
      ...new Set(
        symbolsCsv
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
    if (symbols.length === 0)
      throw new BadRangeError('symbols is required, e.g. symbols=NSE:SBIN-EQ,NSE:INFY-EQ');
    if (symbols.length > MAX_QUOTE_SYMBOLS)
      throw new BadRangeError(`at most ${MAX_QUOTE_SYMBOLS} symbols per request`);
    const known = await this.instruments.resolve(symbols);
    const unknown = symbols.filter((s) => !known.has(s));
    if (unknown.length) throw new UnknownSymbolError(unknown);
    const cached = await this.cache.get(symbols);
    const missing = symbols.filter((s) => !cached.has(s)).map((s) => known.get(s)!);
    const fromBroker = new Map<string, QuoteView>();
    if (missing.length && this.broker) {
      // Quote API: 50 tokens a request and a strict per-second limit; the adapter paces the call.
      for (const q of await this.broker.quotes(missing, 'FULL')) {
        const t = q.exchangeTime ?? now;
        fromBroker.set(q.symbol, {
          ...q,
          mode: 'QUOTE',
          exchangeTime: t,
          receivedAt: now,
          stale: this.isStale(q.exchange, now, now),
          source: 'broker',
        });
      }
    }
    return symbols.flatMap((s) => {
      const t = cached.get(s);
      if (t) {
        const { bids: _b, asks: _a, ...rest } = t;
        return [{ ...rest, stale: this.isStale(t.exchange, t.receivedAt, now), source: 'stream' as const }];
      }
      const b = fromBroker.get(s);
      return b ? [b] : [];
    });
  }

  /** The latest streamed tick (with depth) per symbol from the cache, no broker call (order routing). */
  latestTicks(symbols: string[]): Promise<Map<string, Tick>> {
    return this.cache.get(symbols);
  }

  async depth(symbol: string, now = Date.now()): Promise<DepthView> {
    const inst = await this.instrument(symbol);
    const t = (await this.cache.get([symbol])).get(symbol);
    if (!t)
      return {
        symbol,
        bids: [],
        asks: [],
        exchangeTime: null,
        stale: this.calendar.isOpen(segmentOf(inst.exchange), now),
      };
    return {
      symbol,
      bids: t.bids ?? [],
      asks: t.asks ?? [],
      exchangeTime: t.exchangeTime,
      stale: this.isStale(t.exchange, t.receivedAt, now),
    };
  }

  async candlePage(
    q: { symbol: string; interval: string; from?: string; to?: string; limit?: number },
    now = Date.now(),
  ): Promise<CandlePage> {
    const { symbol, interval, from, to } = await this.checkRange(q, now);
    const limit = Math.min(Math.max(q.limit ?? 1000, 1), 5000);
    const rows = await this.candles.range(symbol, interval, from, to, limit + 1);
    const more = rows.length > limit;
    const items = rows
      .slice(0, limit)
      .map(({ start, openPaise, highPaise, lowPaise, closePaise, volume }) => ({
        start,
        openPaise,
        highPaise,
        lowPaise,
        closePaise,
        volume,
      }));
    return { symbol, interval, items, nextFrom: more ? rows[limit].start : null };
  }

  async exportCsv(
    q: { symbol: string; interval: string; from?: string; to?: string },
    now = Date.now(),
  ): Promise<string> {
    const { symbol, interval, from, to } = await this.checkRange(q, now);
    return candlesToCsv(await this.candles.range(symbol, interval, from, to, 1_000_000));
  }

  async importCsv(
    q: { symbol: string; interval: string; replace?: boolean },
    body: unknown,
  ): Promise<
    ImportReport & {
      duplicatesInFile: { line: number; firstLine: number; timestamp: string }[];
      /** Gaps and zero-volume bars in the file: imported, but worth a look. */
      warnings: { line: number; kind: string; message: string }[];
    }
  > {
    if (!isInterval(q.interval)) throw new BadIntervalError(q.interval);
    await this.instrument(q.symbol);
    if (typeof body !== 'string' || body.length === 0)
      throw new BadCsvError([
        { line: 1, reason: 'send the CSV as the request body with Content-Type text/csv' },
      ]);
    const parsed = parseCandleCsv(body, q.interval);
    if (!parsed.ok) throw new BadCsvError(parsed.errors);
    const report = await this.candles.importRows(q.symbol, q.interval, parsed.rows, { replace: q.replace });
    return { ...report, duplicatesInFile: parsed.duplicates, warnings: parsed.warnings ?? [] };
  }

  async enqueueBackfill(
    q: { symbol: string; interval: string; from: string; to?: string },
    now = Date.now(),
  ): Promise<{ jobId: string; chunks: number }> {
    if (!isInterval(q.interval)) throw new BadIntervalError(q.interval);
    const inst = await this.instrument(q.symbol);
    const from = parseCsvTime(q.from);
    const to = q.to ? parseCsvTime(q.to) : now;
    if (from === null || to === null)
      throw new BadRangeError('from and to are ISO-8601 times with an offset or epoch milliseconds');
    if (!(from < to)) throw new BadRangeError('from must be before to');
    const jobId = `backfill:${inst.symbol}:${q.interval}:${from}:${to}`;
    const data: BackfillJobData = {
      instrument: { symbol: inst.symbol, exchange: inst.exchange, token: inst.token },
      interval: q.interval,
      from,
      to,
    };
    await this.backfillQueue.add(data, { ...JOB_OPTIONS.backfill, jobId });
    return { jobId, chunks: planBackfill(q.interval, from, to).length };
  }

  private isStale(exchange: string, lastTickAt: number, now: number): boolean {
    return now - lastTickAt > this.staleMs && this.calendar.isOpen(segmentOf(exchange), now);
  }

  private async checkRange(
    q: { symbol: string; interval: string; from?: string; to?: string },
    now: number,
  ): Promise<{ symbol: string; interval: Interval; from: number; to: number }> {
    if (!isInterval(q.interval)) throw new BadIntervalError(q.interval);
    await this.instrument(q.symbol);
    const maxSpan = MAX_DAYS_PER_REQUEST[q.interval] * DAY;
    const to = q.to ? parseCsvTime(q.to) : now;
    const from = q.from ? parseCsvTime(q.from) : to === null ? null : to - Math.min(maxSpan, 5 * DAY);
    if (from === null || to === null)
      throw new BadRangeError('from and to are ISO-8601 times with an offset or epoch milliseconds');
    if (!(from < to)) throw new BadRangeError('from must be before to', { from, to });
    if (to - from > maxSpan)
      throw new BadRangeError(
        `a ${q.interval} range may span at most ${MAX_DAYS_PER_REQUEST[q.interval]} days`,
        { maxDays: MAX_DAYS_PER_REQUEST[q.interval] },
      );
    return { symbol: q.symbol, interval: q.interval, from, to };
  }
}
