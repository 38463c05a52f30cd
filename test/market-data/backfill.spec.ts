import { ManualClock } from '@/common/clock';
import { BrokerError } from '@/broker/broker.errors';
import type { CandleRequest } from '@/broker/broker.types';
import type { Candle } from '@/domain/market';
import { MAX_DAYS_PER_REQUEST, planBackfill } from '@/market-data/backfill/backfill-plan';
import { runBackfill } from '@/market-data/backfill/backfill-runner';
import { MemoryRateWindow } from '@/market-data/backfill/rate-window';

const DAY = 86_400_000;
const inst = { symbol: 'NSE:SBIN-EQ', exchange: 'NSE' as const, token: '3045' };

describe('backfill', () => {
  it('splits a range into requests no longer than the interval maximum, contiguous and oldest first', () => {
    const from = Date.parse('2025-01-01T00:00:00Z');
    const chunks = planBackfill('1m', from, from + 95 * DAY);
    expect(chunks.map((c) => (c.to - c.from) / DAY)).toEqual([30, 30, 30, 5]);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].from).toBe(chunks[i - 1].to);
    expect(planBackfill('1d', from, from + 365 * DAY)).toHaveLength(1);
    expect(planBackfill('1h', from, from)).toEqual([]);
    expect(MAX_DAYS_PER_REQUEST['15m']).toBe(200);
  });

  it('never sends more than 3 requests in any second or 180 in any minute', async () => {
    const clock = new ManualClock(1_000_000);
    const sent: number[] = [];
    const from = Date.parse('2020-01-01T00:00:00Z');
    const result = await runBackfill(
      { instrument: inst, interval: '1m', from, to: from + 200 * 30 * DAY },
      {
        fetch: async () => {
          sent.push(clock.now());
          return [];
        },
        store: async (c) => c.length,
        rate: new MemoryRateWindow(),
        now: () => clock.now(),
        sleep: async (ms) => clock.advance(ms),
      },
    );
    expect(result.chunksDone).toBe(200);
    for (let i = 0; i < sent.length; i++) {
      expect(sent.filter((t) => t > sent[i] - 1000 && t <= sent[i]).length).toBeLessThanOrEqual(3);
      expect(sent.filter((t) => t > sent[i] - 60_000 && t <= sent[i]).length).toBeLessThanOrEqual(180);
    }
    expect(sent[sent.length - 1] - sent[0]).toBeGreaterThanOrEqual(60_000);
  });

  it('retries a chunk answered with a rate limit, stores only in-range candles and reports progress', async () => {
    const clock = new ManualClock(0);
    const from = Date.parse('2025-03-01T00:00:00Z');
    let calls = 0;
    const progress: number[] = [];
    const stored: Candle[] = [];
    const res = await runBackfill(
      { instrument: inst, interval: '1d', from, to: from + 10 * DAY },
      {
        fetch: async (r: CandleRequest) => {
          if (calls++ === 0)
            throw new BrokerError(
              'rate_limited',
              'getCandleData',
              'Access denied because of exceeding access rate',
            );
          return [0, 5, 12].map((d) => ({
            symbol: 'x',
            interval: r.interval,
            start: r.from + d * DAY,
            openPaise: 1,
            highPaise: 1,
            lowPaise: 1,
            closePaise: 1,
            volume: 1,
            closed: true,
          }));
        },
        store: async (c) => (stored.push(...c), c.length),
        rate: new MemoryRateWindow(),
        now: () => clock.now(),
        sleep: async (ms) => clock.advance(ms),
        onProgress: (p) => void progress.push(p.chunksDone),
      },
    );
    expect(calls).toBe(2);
    expect(res).toMatchObject({ chunksDone: 1, chunksTotal: 1, candlesFetched: 3, candlesStored: 2 });
    expect(stored.every((c) => c.symbol === 'NSE:SBIN-EQ')).toBe(true);
    expect(progress).toEqual([1]);
  });

  it('gives up on errors other than rate limits so the queue retries the job', async () => {
    await expect(
      runBackfill(
        { instrument: inst, interval: '1d', from: 0, to: DAY },
        {
          fetch: async () => Promise.reject(new BrokerError('auth', 'getCandleData', 'expired')),
          store: async () => 0,
          rate: new MemoryRateWindow(),
          now: () => 0,
          sleep: async () => undefined,
        },
      ),
    ).rejects.toThrow('expired');
  });
});
