import type { DepthEntry, InstrumentState } from '../market/market';
import { Market } from '../market/market';

/** SmartStream 2.0 binary ticks, little-endian, byte for byte as protocol §4.3. */
export const MODE_LTP = 1;
export const MODE_QUOTE = 2;
export const MODE_SNAP = 3;
export type StreamMode = typeof MODE_LTP | typeof MODE_QUOTE | typeof MODE_SNAP;
export const FRAME_LENGTH: Record<StreamMode, number> = { 1: 51, 2: 123, 3: 379 };

/** exch_seg to SmartStream exchangeType (§4.2). */
export const EXCHANGE_TYPE: Record<string, number> = {
  NSE: 1,
  NFO: 2,
  BSE: 3,
  BFO: 4,
  MCX: 5,
  NCDEX: 7,
  CDS: 13,
};

export interface StreamFrameData {
  exchangeType: number;
  token: string;
  sequence: number;
  exchangeTimeMs: number;
  ltpPaise: number;
  lastQty: number;
  avgPricePaise: number;
  volume: number;
  totalBuyQty: number;
  totalSellQty: number;
  openPaise: number;
  highPaise: number;
  lowPaise: number;
  closePaise: number;
  lastTradeTimeMs: number;
  openInterest: number;
  oiChangePct: number;
  bids: readonly DepthEntry[];
  asks: readonly DepthEntry[];
  upperCircuitPaise: number;
  lowerCircuitPaise: number;
  high52Paise: number;
  low52Paise: number;
}

export const TOKEN_FIELD_LENGTH = 25;
const DEPTH_OFFSET = 147;
const DEPTH_ENTRY = 20;

function i64(buf: Buffer, off: number, v: number): void {
  buf.writeBigInt64LE(BigInt(Math.trunc(v)), off);
}

function depthEntry(buf: Buffer, off: number, buy: boolean, d: DepthEntry | undefined): void {
  buf.writeInt16LE(buy ? 1 : 0, off);
  i64(buf, off + 2, d?.quantity ?? 0);
  i64(buf, off + 10, d?.pricePaise ?? 0);
  buf.writeInt16LE(d?.orders ?? 0, off + 18);
}

/** One frame of the given mode; fields past the mode's length are not written. */
export function encodeFrame(mode: StreamMode, d: StreamFrameData): Buffer {
  const buf = Buffer.alloc(FRAME_LENGTH[mode]);
  buf.writeUInt8(mode, 0);
  buf.writeUInt8(d.exchangeType, 1);
  // ASCII token, NUL-padded (Buffer.alloc already zeroed the field).
  buf.write(d.token.slice(0, TOKEN_FIELD_LENGTH), 2, TOKEN_FIELD_LENGTH, 'ascii');
  i64(buf, 27, d.sequence);
  i64(buf, 35, d.exchangeTimeMs);
  i64(buf, 43, d.ltpPaise);
  if (mode === MODE_LTP) return buf;
  i64(buf, 51, d.lastQty);
  i64(buf, 59, d.avgPricePaise);
  i64(buf, 67, d.volume);
  buf.writeDoubleLE(d.totalBuyQty, 75);
  buf.writeDoubleLE(d.totalSellQty, 83);
  i64(buf, 91, d.openPaise);
  i64(buf, 99, d.highPaise);
  i64(buf, 107, d.lowPaise);
  i64(buf, 115, d.closePaise);
  if (mode === MODE_QUOTE) return buf;
  i64(buf, 123, d.lastTradeTimeMs);
  i64(buf, 131, d.openInterest);
  buf.writeDoubleLE(d.oiChangePct, 139);
  // Five buys first, then five sells, and the flag set on each (§4.3: clients may use either).
  for (let k = 0; k < 5; k++) depthEntry(buf, DEPTH_OFFSET + k * DEPTH_ENTRY, true, d.bids[k]);
  for (let k = 0; k < 5; k++) depthEntry(buf, DEPTH_OFFSET + (5 + k) * DEPTH_ENTRY, false, d.asks[k]);
  i64(buf, 347, d.upperCircuitPaise);
  i64(buf, 355, d.lowerCircuitPaise);
  i64(buf, 363, d.high52Paise);
  i64(buf, 371, d.low52Paise);
  return buf;
}

export function frameData(st: InstrumentState): StreamFrameData {
  const i = st.instrument;
  return {
    exchangeType: EXCHANGE_TYPE[i.exchSeg],
    token: i.token,
    sequence: st.seq,
    exchangeTimeMs: st.exchTime,
    ltpPaise: st.ltp,
    lastQty: st.lastQty,
    avgPricePaise: Market.avgPrice(st),
    volume: st.volume,
    totalBuyQty: st.bids.reduce((s, x) => s + x.quantity, 0),
    totalSellQty: st.asks.reduce((s, x) => s + x.quantity, 0),
    openPaise: st.open,
    highPaise: st.high,
    lowPaise: st.low,
    closePaise: st.prevClose,
    lastTradeTimeMs: st.lastTradeTime,
    openInterest: st.oi,
    oiChangePct: st.openOi > 0 ? ((st.oi - st.openOi) / st.openOi) * 100 : 0,
    bids: st.bids,
    asks: st.asks,
    upperCircuitPaise: st.upperCircuit,
    lowerCircuitPaise: st.lowerCircuit,
    high52Paise: st.high52,
    low52Paise: st.low52,
  };
}
