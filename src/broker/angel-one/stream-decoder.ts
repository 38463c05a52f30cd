/**
 * SmartStream 2.0 binary tick decoder (protocol §4.3). Hot path: it allocates nothing per frame. It
 * fills one mutable `DecodedTick` and preallocated depth arrays, reads signed little-endian int64 by byte
 * arithmetic (lo + hi * 2^32, exact up to 2^53, no BigInt), caches token strings, groups best-five by
 * the buy/sell flag (not by position, unlike the official JS SDK), and checks each frame's length:
 * short, long and unknown frames are counted and dropped, never thrown.
 */

export const FRAME_LENGTH = { 1: 51, 2: 123, 3: 379 } as const;
const HEADER = 43;
const TOKEN_OFFSET = 2;
const TOKEN_BYTES = 25;
const TWO_32 = 4294967296;
/** 2^14 slots: a client carries at most 3 x 1000 tokens, so the table stays under 1/5 full. */
const TOKEN_CACHE_BITS = 14;
const TOKEN_CACHE_SIZE = 1 << TOKEN_CACHE_BITS;
const TOKEN_CACHE_MASK = TOKEN_CACHE_SIZE - 1;

export interface DecodedTick {
  mode: number; // 1 LTP, 2 Quote, 3 SnapQuote
  exchangeType: number;
  token: string;
  sequence: number;
  exchangeTime: number;
  ltp: number; // paise
  lastQuantity: number;
  avgPrice: number;
  volume: number;
  totalBuyQuantity: number;
  totalSellQuantity: number;
  open: number;
  high: number;
  low: number;
  close: number;
  lastTradedTime: number;
  openInterest: number;
  oiChangePercent: number;
  bidCount: number;
  bidPrice: Float64Array;
  bidQty: Float64Array;
  bidOrders: Float64Array;
  askCount: number;
  askPrice: Float64Array;
  askQty: Float64Array;
  askOrders: Float64Array;
  upperCircuit: number;
  lowerCircuit: number;
  high52: number;
  low52: number;
}

export interface DecoderCounters {
  decoded: number;
  short: number;
  long: number;
  unknownMode: number;
  badToken: number;
}

function emptyTick(): DecodedTick {
  return {
    mode: 0,
    exchangeType: 0,
    token: '',
    sequence: 0,
    exchangeTime: 0,
    ltp: 0,
    lastQuantity: 0,
    avgPrice: 0,
    volume: 0,
    totalBuyQuantity: 0,
    totalSellQuantity: 0,
    open: 0,
    high: 0,
    low: 0,
    close: 0,
    lastTradedTime: 0,
    openInterest: 0,
    oiChangePercent: 0,
    bidCount: 0,
    bidPrice: new Float64Array(5),
    bidQty: new Float64Array(5),
    bidOrders: new Float64Array(5),
    askCount: 0,
    askPrice: new Float64Array(5),
    askQty: new Float64Array(5),
    askOrders: new Float64Array(5),
    upperCircuit: 0,
    lowerCircuit: 0,
    high52: 0,
    low52: 0,
  };
}

/** Signed little-endian int64 as a Number (exact within ±2^53). */
export function readInt64LE(b: Uint8Array, o: number): number {
  const lo = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  const hi = b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24); // signed int32
  return hi * TWO_32 + lo;
}

function readInt16LE(b: Uint8Array, o: number): number {
  const v = b[o] | (b[o + 1] << 8);
  return v > 32767 ? v - 65536 : v;
}

function tokenSlot(w0: number, w1: number): number {
  return Math.imul(w0 ^ Math.imul(w1, 0x27d4eb2d), 0x9e3779b1) >>> (32 - TOKEN_CACHE_BITS);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class StreamDecoder {
  /** The one result object; valid until the next `decode` call. Copy what you keep. */
  readonly tick: DecodedTick = emptyTick();
  readonly counters: DecoderCounters = { decoded: 0, short: 0, long: 0, unknownMode: 0, badToken: 0 };
  private readonly f64Bytes = new Uint8Array(8);
  private readonly f64 = new Float64Array(this.f64Bytes.buffer);
  /**
   * Token strings for tokens of at most 8 bytes (every token in Angel One's scrip master, index tokens
   * such as 99926000 included), open-addressed and keyed by the raw token bytes read as two int32
   * words: a repeated token costs two word reads and a compare, no parsing and no new string. Empty
   * slots hold ''. Longer tokens (none seen in practice) are validated and built on each frame.
   */
  private readonly tokenKeys = new Int32Array(TOKEN_CACHE_SIZE * 2);
  private readonly tokenValues: string[] = new Array<string>(TOKEN_CACHE_SIZE).fill('');
  private tokensCached = 0;

  /**
   * Decodes one binary frame into `this.tick`. Returns false (and counts why) for a frame it drops.
   * Kept small (cold paths out of line) so V8 inlines it into the socket handler.
   */
  decode(b: Uint8Array): boolean {
    const len = b.length;
    const mode = len >= HEADER ? b[0] : 0;
    if (len !== (mode === 1 ? 51 : mode === 2 ? 123 : mode === 3 ? 379 : -1)) return this.reject(len, mode);
    const token = this.token(b);
    if (token === '') {
      this.counters.badToken++;
      return false;
    }
    const t = this.tick;
    t.mode = mode;
    t.exchangeType = b[1];
    t.token = token;
    t.sequence = readInt64LE(b, 27);
    t.exchangeTime = readInt64LE(b, 35);
    t.ltp = readInt64LE(b, 43);
    if (mode === 1) {
      t.bidCount = 0;
      t.askCount = 0;
    } else this.readRest(b, mode);
    this.counters.decoded++;
    return true;
  }

  private reject(len: number, mode: number): false {
    const c = this.counters;
    if (len < HEADER) c.short++;
    else if (mode < 1 || mode > 3) c.unknownMode++;
    else if (len < FRAME_LENGTH[mode as 1 | 2 | 3]) c.short++;
    else c.long++;
    return false;
  }

  private readRest(b: Uint8Array, mode: number): void {
    this.readQuote(b);
    if (mode === 3) this.readSnap(b);
    else {
      this.tick.bidCount = 0;
      this.tick.askCount = 0;
    }
  }

  /**
   * The frame's token, or '' when it is empty or not printable ASCII. The common case (a short token
   * found at its home slot) is all that is here, small enough for V8 to inline into `decode`.
   */
  private token(b: Uint8Array): string {
    // Byte 10 is NUL, so the token ends within the 8 bytes read and the two words determine it.
    if (b[10] === 0) {
      const w0 = b[2] | (b[3] << 8) | (b[4] << 16) | (b[5] << 24);
      const w1 = b[6] | (b[7] << 8) | (b[8] << 16) | (b[9] << 24);
      const slot = tokenSlot(w0, w1);
      if (this.tokenKeys[slot * 2] === w0 && this.tokenKeys[slot * 2 + 1] === w1) {
        const s = this.tokenValues[slot];
        if (s !== '') return s;
      }
    }
    return this.tokenSlow(b);
  }

  /** Probing past the home slot, first sight of a token, and tokens longer than 8 bytes. */
  private tokenSlow(b: Uint8Array): string {
    if (b[10] !== 0) return this.readToken(b) ?? '';
    const w0 = b[2] | (b[3] << 8) | (b[4] << 16) | (b[5] << 24);
    const w1 = b[6] | (b[7] << 8) | (b[8] << 16) | (b[9] << 24);
    let slot = tokenSlot(w0, w1);
    for (let probe = 0; probe < 8; probe++, slot = (slot + 1) & TOKEN_CACHE_MASK) {
      const s = this.tokenValues[slot];
      if (s === '') return this.tokenMiss(b, slot);
      if (this.tokenKeys[slot * 2] === w0 && this.tokenKeys[slot * 2 + 1] === w1) return s;
    }
    return this.readToken(b) ?? '';
  }

  /** First sight of a short token: validate it, then remember it in the empty slot the probe found. */
  private tokenMiss(b: Uint8Array, slot: number): string {
    const s = this.readToken(b);
    if (s === null) return '';
    // At most half full, so probe chains stay short; beyond that tokens are still decoded, uncached.
    if (this.tokensCached < TOKEN_CACHE_SIZE / 2) {
      this.tokenKeys[slot * 2] = b[2] | (b[3] << 8) | (b[4] << 16) | (b[5] << 24);
      this.tokenKeys[slot * 2 + 1] = b[6] | (b[7] << 8) | (b[8] << 16) | (b[9] << 24);
      this.tokenValues[slot] = s;
      this.tokensCached++;
    }
    return s;
  }

  private readQuote(b: Uint8Array): void {
    const t = this.tick;
    t.lastQuantity = readInt64LE(b, 51);
    t.avgPrice = readInt64LE(b, 59);
    t.volume = readInt64LE(b, 67);
    t.totalBuyQuantity = this.readF64(b, 75);
    t.totalSellQuantity = this.readF64(b, 83);
    t.open = readInt64LE(b, 91);
    t.high = readInt64LE(b, 99);
    t.low = readInt64LE(b, 107);
    t.close = readInt64LE(b, 115);
  }

  private readSnap(b: Uint8Array): void {
    const t = this.tick;
    t.lastTradedTime = readInt64LE(b, 123);
    t.openInterest = readInt64LE(b, 131);
    t.oiChangePercent = this.readF64(b, 139);
    this.readDepth(b);
    t.upperCircuit = readInt64LE(b, 347);
    t.lowerCircuit = readInt64LE(b, 355);
    t.high52 = readInt64LE(b, 363);
    t.low52 = readInt64LE(b, 371);
  }

  private readDepth(b: Uint8Array): void {
    const t = this.tick;
    let bids = 0;
    let asks = 0;
    for (let i = 0, o = 147; i < 10; i++, o += 20) {
      const flag = readInt16LE(b, o);
      if (flag === 1 && bids < 5) {
        t.bidQty[bids] = readInt64LE(b, o + 2);
        t.bidPrice[bids] = readInt64LE(b, o + 10);
        t.bidOrders[bids] = readInt16LE(b, o + 18);
        bids++;
      } else if (flag === 0 && asks < 5) {
        t.askQty[asks] = readInt64LE(b, o + 2);
        t.askPrice[asks] = readInt64LE(b, o + 10);
        t.askOrders[asks] = readInt16LE(b, o + 18);
        asks++;
      }
    }
    t.bidCount = bids;
    t.askCount = asks;
  }

  private readF64(b: Uint8Array, o: number): number {
    const s = this.f64Bytes;
    if (LITTLE_ENDIAN_HOST) for (let i = 0; i < 8; i++) s[i] = b[o + i];
    else for (let i = 0; i < 8; i++) s[i] = b[o + 7 - i];
    return this.f64[0];
  }

  /** NUL-terminated ASCII token; null when empty or not printable ASCII. */
  private readToken(b: Uint8Array): string | null {
    let len = 0;
    for (; len < TOKEN_BYTES; len++) {
      const c = b[TOKEN_OFFSET + len];
      if (c === 0) break;
      if (c < 0x21 || c > 0x7e || c === 0x22) return null; // printable, and never a quote character
    }
    return len === 0 ? null : latin1(b, TOKEN_OFFSET, len);
  }
}

function latin1(b: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[start + i]);
  return s;
}
