import fc from 'fast-check';
import { buildFrame, sampleSnap } from '../../../test/broker/fixtures/frames';
import { readInt64LE, StreamDecoder } from './stream-decoder';

describe('StreamDecoder', () => {
  it('decodes an LTP frame above 2^31 paise exactly (the SDK reads int32 and gets 705032704)', () => {
    const d = new StreamDecoder();
    expect(
      d.decode(
        buildFrame({ mode: 1, token: '3045', ltp: 5_000_000_000, exchangeTime: 1764200000123, sequence: 7 }),
      ),
    ).toBe(true);
    expect(d.tick).toMatchObject({
      mode: 1,
      exchangeType: 1,
      token: '3045',
      ltp: 5_000_000_000,
      exchangeTime: 1764200000123,
      sequence: 7,
    });
  });

  it('reads negative int64 prices as signed', () => {
    const d = new StreamDecoder();
    d.decode(buildFrame({ mode: 1, token: '1', exchangeType: 5, ltp: -3767 }));
    expect(d.tick.ltp).toBe(-3767);
    expect(d.tick.exchangeType).toBe(5);
  });

  it('returns the token without quotes or padding', () => {
    const d = new StreamDecoder();
    d.decode(buildFrame({ mode: 1, token: '99926000', ltp: 1 }));
    expect(d.tick.token).toBe('99926000');
    d.decode(buildFrame({ mode: 1, token: 'ABC-1', ltp: 1 }));
    expect(d.tick.token).toBe('ABC-1');
    d.decode(buildFrame({ mode: 1, token: '03045', ltp: 1 }));
    expect(d.tick.token).toBe('03045');
  });

  it('decodes a Quote frame', () => {
    const d = new StreamDecoder();
    const s = sampleSnap();
    expect(d.decode(buildFrame({ ...s, mode: 2 }))).toBe(true);
    expect(d.tick).toMatchObject({
      mode: 2,
      ltp: 81234,
      lastQuantity: 10,
      avgPrice: 81100,
      volume: 1234567,
      totalBuyQuantity: 5000.5,
      totalSellQuantity: 6000,
      open: 80000,
      high: 82000,
      low: 79900,
      close: 80500,
      bidCount: 0,
      askCount: 0,
    });
  });

  it('decodes a SnapQuote frame and groups best-five by the buy/sell flag, not by position', () => {
    const d = new StreamDecoder();
    expect(d.decode(buildFrame(sampleSnap()))).toBe(true);
    const t = d.tick;
    expect(t.bidCount).toBe(5);
    expect(t.askCount).toBe(5);
    expect(Array.from(t.bidPrice)).toEqual([81230, 81225, 81220, 81215, 81210]);
    expect(Array.from(t.bidQty)).toEqual([200, 201, 202, 203, 204]);
    expect(Array.from(t.askPrice)).toEqual([81240, 81245, 81250, 81255, 81260]);
    expect(Array.from(t.askOrders)).toEqual([3, 4, 5, 6, 7]);
    expect(t).toMatchObject({
      upperCircuit: 89000,
      lowerCircuit: 73000,
      high52: 91200,
      low52: 55500,
      lastTradedTime: 1764200000000,
    });
  });

  it('caches tokens by their bytes: bytes after the NUL, 8- and 9-byte tokens and a full table all read right', () => {
    const d = new StreamDecoder();
    const frame = (token: string) => new Uint8Array(buildFrame({ mode: 1, token, ltp: 1 }));
    const garbage = frame('12');
    garbage[5] = 0x41; // after the NUL terminator: not part of the token
    for (const [f, want] of [
      [frame('12'), '12'],
      [garbage, '12'],
      [frame('12345678'), '12345678'],
      [frame('123456789'), '123456789'],
      [frame('12345678'), '12345678'],
      [frame('1234567'), '1234567'],
    ] as const) {
      expect(d.decode(f)).toBe(true);
      expect(d.tick.token).toBe(want);
    }
    // Far more distinct tokens than the table keeps (probing, collisions, uncached overflow), twice over.
    const tokens = Array.from({ length: 12_000 }, (_, i) => String(i * 7919 + 1));
    for (let round = 0; round < 2; round++)
      for (const token of tokens) {
        d.decode(frame(token));
        if (d.tick.token !== token) throw new Error(`decoded ${d.tick.token} for ${token}`);
      }
    expect(d.counters.decoded).toBe(6 + 24_000);
  });

  it('agrees with a DataView/BigInt reading on random valid frames with random padding after the token', () => {
    const d = new StreamDecoder();
    const i64 = fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n });
    fc.assert(
      fc.property(
        fc.constantFrom(51, 123, 379),
        fc.stringMatching(/^[!#-~]{1,24}$/),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.tuple(i64, i64, i64),
        (len, token, padding, [seq, time, ltp]) => {
          const b = new Uint8Array(len);
          const dv = new DataView(b.buffer);
          b[0] = len === 51 ? 1 : len === 123 ? 2 : 3;
          b[1] = 3;
          b.set(padding.subarray(0, 25 - token.length - 1), 2 + token.length + 1); // after the NUL
          for (let i = 0; i < token.length; i++) b[2 + i] = token.charCodeAt(i);
          dv.setBigInt64(27, seq, true);
          dv.setBigInt64(35, time, true);
          dv.setBigInt64(43, ltp, true);
          expect(d.decode(b)).toBe(true);
          expect(d.tick).toMatchObject({
            mode: b[0],
            exchangeType: 3,
            token,
            sequence: Number(seq),
            exchangeTime: Number(time),
            ltp: Number(ltp),
          });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reuses one result object and preallocated depth arrays across frames', () => {
    const d = new StreamDecoder();
    const tick = d.tick;
    const bids = d.tick.bidPrice;
    d.decode(buildFrame(sampleSnap()));
    d.decode(buildFrame({ mode: 1, token: '3045', ltp: 5 }));
    expect(d.tick).toBe(tick);
    expect(d.tick.bidPrice).toBe(bids);
    expect(d.tick.bidCount).toBe(0);
  });

  it('counts and drops short, long, unknown-mode and bad-token frames', () => {
    const d = new StreamDecoder();
    const ok = buildFrame({ mode: 1, token: '3045', ltp: 1 });
    expect(d.decode(ok.subarray(0, 50))).toBe(false);
    expect(d.decode(Buffer.concat([ok, Buffer.alloc(1)]))).toBe(false);
    expect(d.decode(Buffer.from([9, ...Buffer.alloc(50)]))).toBe(false);
    expect(d.decode(Buffer.alloc(10))).toBe(false);
    expect(d.decode(buildFrame({ mode: 1, token: '', ltp: 1 }))).toBe(false);
    expect(d.decode(buildFrame({ mode: 1, token: '"3045"', ltp: 1 }))).toBe(false);
    expect(d.counters).toEqual({ decoded: 0, short: 2, long: 1, unknownMode: 1, badToken: 2 });
  });

  it('matches a BigInt reading of int64 for random values within 2^53', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (v) => {
        const b = Buffer.alloc(8);
        b.writeBigInt64LE(BigInt(v));
        return readInt64LE(b, 0) === v;
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on 100,000+ random, truncated and oversized frames, and its counters account for every one', () => {
    const d = new StreamDecoder();
    const valid = fc
      .record({
        mode: fc.constantFrom(1 as const, 2 as const, 3 as const),
        token: fc.stringMatching(/^[0-9]{1,10}$/),
        ltp: fc.integer({ min: -1e12, max: 1e12 }),
      })
      .map((f) => new Uint8Array(buildFrame(f)));
    const truncated = fc.tuple(valid, fc.nat()).map(([b, n]) => b.subarray(0, n % b.length));
    const oversized = fc.tuple(valid, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([b, extra]) => {
      const out = new Uint8Array(b.length + extra.length);
      out.set(b);
      out.set(extra, b.length);
      return out;
    });
    const random = fc.oneof(
      fc.uint8Array({ maxLength: 60 }),
      fc.uint8Array({ minLength: 43, maxLength: 500, size: 'max' }),
    );
    const anyFrame = fc.oneof(valid, truncated, oversized, random);
    let total = 0;
    let accepted = 0;
    fc.assert(
      fc.property(anyFrame, (frame) => {
        total++;
        if (d.decode(frame)) accepted++;
      }),
      { numRuns: 110_000 },
    );
    const c = d.counters;
    expect(total).toBeGreaterThanOrEqual(100_000);
    expect(c.decoded).toBe(accepted);
    expect(c.decoded + c.short + c.long + c.unknownMode + c.badToken).toBe(total);
    expect(c.short).toBeGreaterThan(0);
    expect(c.long).toBeGreaterThan(0);
    expect(c.unknownMode).toBeGreaterThan(0);
  });
});
