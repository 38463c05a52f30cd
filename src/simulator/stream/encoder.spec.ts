import { FRAME_LENGTH, encodeFrame, type StreamFrameData } from './encoder';

const data = (over: Partial<StreamFrameData> = {}): StreamFrameData => ({
  exchangeType: 1,
  token: '3045',
  sequence: 123456789,
  exchangeTimeMs: 1_764_200_000_123,
  ltpPaise: 81_235,
  lastQty: 75,
  avgPricePaise: 81_100,
  volume: 9_876_543,
  totalBuyQty: 1_234.5,
  totalSellQty: 2_345.25,
  openPaise: 80_000,
  highPaise: 82_000,
  lowPaise: 79_500,
  closePaise: 80_500,
  lastTradeTimeMs: 1_764_200_000_100,
  openInterest: 4_200_000,
  oiChangePct: -1.5,
  bids: [1, 2, 3, 4, 5].map((k) => ({ pricePaise: 81_235 - 5 * k, quantity: 100 * k, orders: k })),
  asks: [1, 2, 3, 4, 5].map((k) => ({ pricePaise: 81_235 + 5 * k, quantity: 10 * k, orders: 10 + k })),
  upperCircuitPaise: 96_600,
  lowerCircuitPaise: 64_400,
  high52Paise: 99_000,
  low52Paise: 60_000,
  ...over,
});

describe('SmartStream frame encoder (protocol §4.3 layout)', () => {
  it('writes the 51-byte LTP frame header and price at their offsets', () => {
    const b = encodeFrame(1, data());
    expect(b.length).toBe(51);
    expect(FRAME_LENGTH[1]).toBe(51);
    expect(b.readUInt8(0)).toBe(1);
    expect(b.readUInt8(1)).toBe(1);
    expect(b.subarray(2, 27).toString('ascii')).toBe('3045'.padEnd(25, '\0'));
    expect(b.readBigInt64LE(27)).toBe(123456789n);
    expect(b.readBigInt64LE(35)).toBe(1_764_200_000_123n);
    expect(b.readBigInt64LE(43)).toBe(81_235n);
  });

  it('writes the 123-byte Quote frame fields at offsets 51 to 115', () => {
    const b = encodeFrame(2, data());
    expect(b.length).toBe(123);
    expect(b.readUInt8(0)).toBe(2);
    expect(b.readBigInt64LE(51)).toBe(75n);
    expect(b.readBigInt64LE(59)).toBe(81_100n);
    expect(b.readBigInt64LE(67)).toBe(9_876_543n);
    expect(b.readDoubleLE(75)).toBe(1_234.5);
    expect(b.readDoubleLE(83)).toBe(2_345.25);
    expect([91, 99, 107, 115].map((o) => Number(b.readBigInt64LE(o)))).toEqual([
      80_000, 82_000, 79_500, 80_500,
    ]);
  });

  it('writes the 379-byte SnapQuote with five flagged buys first, then five sells, then circuits', () => {
    const b = encodeFrame(3, data());
    expect(b.length).toBe(379);
    expect(b.readBigInt64LE(123)).toBe(1_764_200_000_100n);
    expect(b.readBigInt64LE(131)).toBe(4_200_000n);
    expect(b.readDoubleLE(139)).toBe(-1.5);
    for (let k = 0; k < 10; k++) {
      const off = 147 + 20 * k;
      const buy = k < 5;
      const lvl = buy ? data().bids[k] : data().asks[k - 5];
      expect({
        flag: b.readInt16LE(off),
        qty: Number(b.readBigInt64LE(off + 2)),
        price: Number(b.readBigInt64LE(off + 10)),
        orders: b.readInt16LE(off + 18),
      }).toEqual({
        flag: buy ? 1 : 0,
        qty: lvl.quantity,
        price: lvl.pricePaise,
        orders: lvl.orders,
      });
    }
    expect([347, 355, 363, 371].map((o) => Number(b.readBigInt64LE(o)))).toEqual([
      96_600, 64_400, 99_000, 60_000,
    ]);
  });

  it('pads missing depth levels with empty entries that still carry their side flag', () => {
    const b = encodeFrame(3, data({ bids: [], asks: [{ pricePaise: 100, quantity: 1, orders: 1 }] }));
    expect(b.readInt16LE(147)).toBe(1);
    expect(b.readBigInt64LE(147 + 10)).toBe(0n);
    expect(b.readInt16LE(147 + 100)).toBe(0);
    expect(b.readBigInt64LE(147 + 100 + 10)).toBe(100n);
  });

  it('encodes prices as signed 64-bit values, beyond int32 and below zero', () => {
    expect(encodeFrame(1, data({ ltpPaise: 5_000_000_000 })).readBigInt64LE(43)).toBe(5_000_000_000n);
    expect(encodeFrame(1, data({ ltpPaise: -3_763 })).readBigInt64LE(43)).toBe(-3_763n);
  });
});
