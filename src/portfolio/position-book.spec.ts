import type { OrderFill } from '@/domain/execution';
import { PositionBook } from './position-book';

const T0 = Date.UTC(2025, 0, 6, 4, 30); // Mon 10:00 IST
const SBIN = 'NSE:SBIN-EQ';
let seq = 0;
function fill(
  side: 'BUY' | 'SELL',
  quantity: number,
  pricePaise: number,
  extra: Partial<OrderFill> = {},
): OrderFill {
  seq++;
  return {
    orderId: `o${seq}`,
    clientOrderId: `c${seq}`,
    userId: 'u1',
    symbol: SBIN,
    side,
    quantity,
    pricePaise,
    chargesPaise: 0,
    time: T0 + seq,
    ...extra,
  };
}

describe('PositionBook (average cost)', () => {
  it('scenario: scale in, partial exit, reversal through zero, cover', () => {
    const book = new PositionBook();
    book.apply(fill('BUY', 10, 100_00));
    book.apply(fill('BUY', 10, 110_00));
    expect(book.position(SBIN)).toMatchObject({
      quantity: 20,
      averagePricePaise: 105_00,
      costPaise: 2_100_00,
    });

    const partial = book.apply(fill('SELL', 5, 120_00));
    expect(partial).toMatchObject({ realisedPaise: 75_00, closedQuantity: 5 }); // (120 - 105) x 5
    expect(book.position(SBIN)).toMatchObject({
      quantity: 15,
      averagePricePaise: 105_00,
      realisedPaise: 75_00,
    });

    book.mark(SBIN, 100_00, T0 + 100);
    expect(book.position(SBIN)!.unrealisedPaise).toBe(-75_00); // (100 - 105) x 15

    const reversal = book.apply(fill('SELL', 20, 90_00));
    expect(reversal).toMatchObject({ realisedPaise: -225_00, closedQuantity: 15, openedQuantity: 5 });
    expect(book.position(SBIN)).toMatchObject({
      quantity: -5,
      averagePricePaise: 90_00,
      realisedPaise: -150_00,
    });

    book.mark(SBIN, 95_00);
    expect(book.position(SBIN)!.unrealisedPaise).toBe(-25_00); // short 5 from 90, now 95

    book.apply(fill('BUY', 5, 80_00));
    expect(book.position(SBIN)).toMatchObject({
      quantity: 0,
      costPaise: 0,
      unrealisedPaise: 0,
      realisedPaise: -100_00,
    });
    expect(book.positions()).toEqual([]);
    expect(book.positions(true)).toHaveLength(1);
  });

  it('keeps per-strategy positions apart while netting them per instrument', () => {
    const book = new PositionBook();
    book.apply(fill('BUY', 10, 100_00, { strategyId: 'sma' }));
    book.apply(fill('SELL', 4, 101_00, { strategyId: 'rsi' }));
    expect(book.quantity(SBIN)).toBe(6);
    expect(book.strategyQuantity('sma', SBIN)).toBe(10);
    expect(book.strategyQuantity('rsi', SBIN)).toBe(-4);
    book.mark(SBIN, 102_00);
    expect(book.strategyTotals('sma').unrealisedPaise).toBe(20_00);
    expect(book.strategyTotals('rsi').unrealisedPaise).toBe(-4_00);
    expect(book.strategyPositions('rsi')).toEqual([
      expect.objectContaining({ strategyId: 'rsi', quantity: -4 }),
    ]);
  });

  it('day P&L is net of charges and restarts at the next IST day, with carried positions marked from there', () => {
    const book = new PositionBook();
    book.apply(fill('BUY', 10, 100_00, { chargesPaise: 20_00 }));
    book.mark(SBIN, 103_00);
    expect(book.dayPnl()).toEqual({
      realisedPaise: 0,
      unrealisedPaise: 30_00,
      chargesPaise: 20_00,
      netPaise: 10_00,
    });

    const nextDay = T0 + 24 * 3600_000;
    book.apply(fill('SELL', 5, 104_00, { chargesPaise: 5_00, time: nextDay }));
    // Day 2: realised 20, unrealised moves from 30 (10 @ 103) to 5 x (104 - 100) = 20 once marked at 104.
    book.mark(SBIN, 104_00);
    expect(book.dayPnl()).toEqual({
      realisedPaise: 20_00,
      unrealisedPaise: -10_00,
      chargesPaise: 5_00,
      netPaise: 5_00,
    });
  });

  it('counts a losing streak of exits, reset by a winner', () => {
    const book = new PositionBook();
    book.apply(fill('BUY', 2, 100_00));
    book.apply(fill('SELL', 1, 99_00));
    book.apply(fill('SELL', 1, 98_00, { time: T0 + 5000 }));
    expect(book.lossStreak()).toEqual({ count: 2, lastLossAt: T0 + 5000 });
    book.apply(fill('BUY', 1, 100_00));
    book.apply(fill('SELL', 1, 101_00));
    expect(book.lossStreak().count).toBe(0);
  });

  it('counts distinct filled orders per strategy today and ignores a repeated trade', () => {
    const book = new PositionBook();
    const f = fill('BUY', 1, 100_00, { strategyId: 'sma', tradeId: 't1' });
    expect(book.apply(f).applied).toBe(true);
    expect(book.apply(f).applied).toBe(false);
    book.apply({ ...f, tradeId: 't2' }); // a second partial fill of the same order
    expect(book.quantity(SBIN)).toBe(2);
    expect(book.strategyTradesToday('sma')).toBe(1);
  });

  it('refuses a malformed fill', () => {
    expect(() => new PositionBook().apply(fill('BUY', 0, 100))).toThrow(RangeError);
    expect(() => new PositionBook().apply(fill('BUY', 1, 1.5))).toThrow(RangeError);
  });
});
