import { buildFrame, sampleSnap } from '../../../test/broker/fixtures/frames';
import { StreamDecoder } from './stream-decoder';
import { buildTick } from './tick-builder';

describe('buildTick', () => {
  const d = new StreamDecoder();
  d.decode(buildFrame(sampleSnap()));

  it('copies a SnapQuote into a domain tick the handler may keep', () => {
    const t = buildTick(d.tick, { symbol: 'NSE:SBIN-EQ', exchange: 'NSE', token: '3045' }, 99);
    expect(t).toMatchObject({
      symbol: 'NSE:SBIN-EQ',
      mode: 'SNAP',
      ltpPaise: 81234,
      receivedAt: 99,
      volume: 1234567,
      upperCircuitPaise: 89000,
    });
    expect(t.bids![0]).toEqual({ pricePaise: 81230, quantity: 200, orders: 1 });
    expect(t.asks).toHaveLength(5);
    d.decode(buildFrame({ mode: 1, token: '3045', ltp: 1 }));
    expect(t.ltpPaise).toBe(81234);
    d.decode(buildFrame(sampleSnap()));
  });

  it('rescales CDS prices when the wire divisor is not paise', () => {
    const t = buildTick(d.tick, { symbol: 'CDS:USDINR', exchange: 'CDS', token: '1' }, 0, 10_000_000);
    expect(t.ltpPaise).toBe(Math.round((81234 * 100) / 10_000_000));
    expect(buildTick(d.tick, { symbol: 'NSE:X', exchange: 'NSE', token: '1' }, 0, 10_000_000).ltpPaise).toBe(
      81234,
    );
  });
});
