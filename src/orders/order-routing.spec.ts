import { bestExchange, protectionLimitPaise, sliceQuantities, validateOrderShape } from './order-routing';

describe('order validation and routing', () => {
  const eq = { lotSize: 1, tickSizePaise: 5 };
  const fut = { lotSize: 75, tickSizePaise: 5 };

  it('refuses quantities off the lot and prices off the tick', () => {
    expect(validateOrderShape({ side: 'BUY', quantity: 100, type: 'MARKET' }, fut)).toMatchObject({
      ok: false,
      reason: 'LOT_SIZE',
    });
    expect(validateOrderShape({ side: 'BUY', quantity: 150, type: 'MARKET' }, fut)).toEqual({ ok: true });
    expect(
      validateOrderShape({ side: 'BUY', quantity: 1, type: 'LIMIT', pricePaise: 10_003 }, eq),
    ).toMatchObject({ ok: false, reason: 'TICK_SIZE' });
    expect(validateOrderShape({ side: 'BUY', quantity: 1, type: 'LIMIT' }, eq)).toMatchObject({
      ok: false,
      reason: 'PRICE_REQUIRED',
    });
    expect(validateOrderShape({ side: 'SELL', quantity: 1, type: 'SL-M' }, eq)).toMatchObject({
      ok: false,
      reason: 'TRIGGER_REQUIRED',
    });
    expect(
      validateOrderShape(
        { side: 'BUY', quantity: 1, type: 'SL', pricePaise: 10_000, triggerPricePaise: 10_100 },
        eq,
      ),
    ).toMatchObject({ reason: 'TRIGGER_SIDE' });
  });

  it('turns a market order into a limit inside the protection band, rounded to the tick and the circuit', () => {
    expect(protectionLimitPaise('BUY', 100_00, 2, 5)).toBe(102_00);
    expect(protectionLimitPaise('SELL', 100_03, 2, 5)).toBe(98_05);
    expect(protectionLimitPaise('BUY', 100_00, 5, 5, { upper: 103_00 })).toBe(103_00);
  });

  it('slices F&O quantities above the freeze limit into whole lots', () => {
    expect(sliceQuantities(3000, 1800, 75)).toEqual([1800, 1200]);
    expect(sliceQuantities(1000, 1800, 75)).toEqual([1000]);
    expect(sliceQuantities(4000, 1799, 75)).toEqual([1725, 1725, 550]);
  });

  it('routes to the exchange with the better touch when both have the depth', () => {
    const nse = {
      exchange: 'NSE' as const,
      bestAskPaise: 500_10,
      askQuantity: 1000,
      bestBidPaise: 500_00,
      bidQuantity: 1000,
    };
    const bse = {
      exchange: 'BSE' as const,
      bestAskPaise: 500_05,
      askQuantity: 1000,
      bestBidPaise: 499_90,
      bidQuantity: 1000,
    };
    expect(bestExchange('BUY', 10, nse, bse).exchange).toBe('BSE');
    expect(bestExchange('SELL', 10, nse, bse).exchange).toBe('NSE');
    expect(bestExchange('BUY', 500, nse, { ...bse, askQuantity: 10 }).exchange).toBe('NSE');
    expect(bestExchange('BUY', 10, nse, undefined).exchange).toBe('NSE');
  });
});
