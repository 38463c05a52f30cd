import fc from 'fast-check';
import { floorToLot, sizePosition, type SizingInput } from './position-sizer';

const base = { pricePaise: 500_00, equityPaise: 1_000_000_00, lotSize: 1 };

describe('sizePosition', () => {
  it('fixed quantity rounds down to whole lots', () => {
    expect(sizePosition({ ...base, lotSize: 75, method: { kind: 'FIXED_QUANTITY', quantity: 200 } })).toEqual(
      { quantity: 150 },
    );
  });

  it('fixed notional buys as many units as fit in the amount', () => {
    // Rs 10,000 / Rs 500 = 20; Rs 10,499 still 20.
    expect(
      sizePosition({ ...base, method: { kind: 'FIXED_NOTIONAL', notionalPaise: 10_000_00 } }).quantity,
    ).toBe(20);
    expect(
      sizePosition({ ...base, method: { kind: 'FIXED_NOTIONAL', notionalPaise: 10_499_00 } }).quantity,
    ).toBe(20);
  });

  it('fixed fractional risks RISK_PERCENTAGE of equity over the stop distance', () => {
    // 1% of Rs 10 lakh = Rs 10,000 risk; stop Rs 10 away -> 1,000 shares.
    const r = sizePosition({
      ...base,
      stopLossPaise: 490_00,
      method: { kind: 'FIXED_FRACTIONAL', riskPercent: 1 },
    });
    expect(r.quantity).toBe(1000);
    // A short with its stop above the entry sizes the same way.
    expect(
      sizePosition({ ...base, stopLossPaise: 510_00, method: { kind: 'FIXED_FRACTIONAL', riskPercent: 1 } })
        .quantity,
    ).toBe(1000);
  });

  it('fixed fractional without a stop sizes nothing and says why', () => {
    expect(sizePosition({ ...base, method: { kind: 'FIXED_FRACTIONAL', riskPercent: 1 } })).toEqual({
      quantity: 0,
      skip: 'NO_STOP',
    });
    expect(
      sizePosition({ ...base, stopLossPaise: 500_00, method: { kind: 'FIXED_FRACTIONAL', riskPercent: 1 } })
        .skip,
    ).toBe('NO_STOP');
  });

  it('ATR sizing trades less when volatility is higher', () => {
    const method = { kind: 'ATR', riskPercent: 1, atrMultiple: 2 } as const;
    // Rs 10,000 risk / (2 x Rs 5) = 1,000; / (2 x Rs 20) = 250.
    expect(sizePosition({ ...base, atrPaise: 5_00, method }).quantity).toBe(1000);
    expect(sizePosition({ ...base, atrPaise: 20_00, method }).quantity).toBe(250);
    expect(sizePosition({ ...base, method }).skip).toBe('NO_ATR');
  });

  it('caps at the quantity and notional limits and flags the cap', () => {
    const method = { kind: 'FIXED_QUANTITY', quantity: 1000 } as const;
    expect(sizePosition({ ...base, method, maxQuantity: 300 })).toEqual({ quantity: 300, capped: true });
    expect(sizePosition({ ...base, method, maxNotionalPaise: 100_000_00 })).toEqual({
      quantity: 200,
      capped: true,
    });
  });

  it('returns BELOW_ONE_LOT when the money does not reach a lot, and NO_PRICE without a price', () => {
    expect(
      sizePosition({ ...base, lotSize: 75, method: { kind: 'FIXED_NOTIONAL', notionalPaise: 30_000_00 } }),
    ).toEqual({ quantity: 0, skip: 'BELOW_ONE_LOT', capped: false });
    expect(
      sizePosition({ ...base, pricePaise: 0, method: { kind: 'FIXED_QUANTITY', quantity: 1 } }).skip,
    ).toBe('NO_PRICE');
  });

  it('scales by signal strength when asked', () => {
    expect(
      sizePosition({
        ...base,
        method: { kind: 'FIXED_QUANTITY', quantity: 100 },
        strength: 0.55,
        scaleByStrength: true,
      }).quantity,
    ).toBe(55);
    expect(
      sizePosition({ ...base, method: { kind: 'FIXED_QUANTITY', quantity: 100 }, strength: 0.55 }).quantity,
    ).toBe(100);
  });

  it('never exceeds a cap and is always a whole number of lots (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          pricePaise: fc.integer({ min: 5, max: 10_000_000 }),
          equityPaise: fc.integer({ min: 0, max: 1e12 }),
          lotSize: fc.integer({ min: 1, max: 1800 }),
          stopLossPaise: fc.integer({ min: 1, max: 10_000_000 }),
          atrPaise: fc.integer({ min: 0, max: 1_000_000 }),
          maxQuantity: fc.integer({ min: 0, max: 100_000 }),
          maxNotionalPaise: fc.integer({ min: 0, max: 1e11 }),
          method: fc.oneof(
            fc.record({
              kind: fc.constant('FIXED_QUANTITY' as const),
              quantity: fc.integer({ min: 0, max: 1e6 }),
            }),
            fc.record({
              kind: fc.constant('FIXED_NOTIONAL' as const),
              notionalPaise: fc.integer({ min: 0, max: 1e12 }),
            }),
            fc.record({
              kind: fc.constant('FIXED_FRACTIONAL' as const),
              riskPercent: fc.double({ min: 0, max: 10, noNaN: true }),
            }),
            fc.record({
              kind: fc.constant('ATR' as const),
              riskPercent: fc.double({ min: 0, max: 10, noNaN: true }),
              atrMultiple: fc.double({ min: 0.5, max: 5, noNaN: true }),
            }),
          ),
        }),
        (input: SizingInput) => {
          const { quantity } = sizePosition(input);
          expect(Number.isSafeInteger(quantity)).toBe(true);
          expect(quantity % input.lotSize).toBe(0);
          if (input.maxQuantity) expect(quantity).toBeLessThanOrEqual(input.maxQuantity);
          if (input.maxNotionalPaise)
            expect(quantity * input.pricePaise).toBeLessThanOrEqual(input.maxNotionalPaise);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('floorToLot survives float division noise', () => {
    expect(floorToLot(0.3 / 0.1, 1)).toBe(3);
    expect(floorToLot(149.99, 75)).toBe(75);
  });
});
