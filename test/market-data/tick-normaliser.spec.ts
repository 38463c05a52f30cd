import type { Tick } from '@/domain/market';
import { TickNormaliser } from '@/market-data/candles/tick-normaliser';

const base: Tick = {
  symbol: 'NSE:SBIN-EQ',
  token: '3045',
  exchange: 'NSE',
  mode: 'SNAP',
  exchangeTime: 1_000_000,
  receivedAt: 0,
  ltpPaise: 80_000,
  volume: 10,
};

describe('TickNormaliser', () => {
  it('refuses non-positive or fractional prices outside MCX, and allows negative MCX prices', () => {
    const n = new TickNormaliser();
    expect(n.normalise({ ...base, ltpPaise: 0 }, 1_000_100)).toEqual({ ok: false, reason: 'BAD_PRICE' });
    expect(n.normalise({ ...base, ltpPaise: 10.5 }, 1_000_100)).toEqual({ ok: false, reason: 'BAD_PRICE' });
    expect(
      n.normalise({ ...base, symbol: 'MCX:CRUDE', exchange: 'MCX', ltpPaise: -3_763 }, 1_000_100).ok,
    ).toBe(true);
  });

  it('falls back to the receive time when the exchange time is empty and refuses ticks from the future', () => {
    const n = new TickNormaliser();
    const r = n.normalise({ ...base, exchangeTime: 0 }, 5_000);
    expect(r.ok && r.tick.exchangeTime).toBe(5_000);
    expect(n.normalise({ ...base, exchangeTime: 10_000_000 }, 5_000)).toEqual({
      ok: false,
      reason: 'BAD_TIME',
    });
  });

  it('drops exact duplicates of quote ticks and sorts depth best-first without empty levels', () => {
    const n = new TickNormaliser();
    const q = { ...base, mode: 'QUOTE' as const };
    expect(n.normalise(q, 1_000_100).ok).toBe(true);
    expect(n.normalise(q, 1_000_200)).toEqual({ ok: false, reason: 'DUPLICATE' });
    const r = n.normalise(
      {
        ...base,
        exchangeTime: 1_000_001,
        bids: [
          { pricePaise: 10, quantity: 1, orders: 1 },
          { pricePaise: 12, quantity: 5, orders: 1 },
          { pricePaise: 11, quantity: 0, orders: 0 },
        ],
        asks: [
          { pricePaise: 15, quantity: 1, orders: 1 },
          { pricePaise: 13, quantity: 1, orders: 1 },
        ],
      },
      1_000_100,
    );
    expect(r.ok && r.tick.bids!.map((l) => l.pricePaise)).toEqual([12, 10]);
    expect(r.ok && r.tick.asks!.map((l) => l.pricePaise)).toEqual([13, 15]);
  });
});
