import type { Clock } from '@/common/clock';
import { isNseOpen } from '../ist';
import { Rng, deriveSeed } from '../random';
import type { InstrumentStore, SimInstrument } from './instruments';

export interface DepthEntry {
  pricePaise: number;
  quantity: number;
  orders: number;
}

/** Live state of one instrument; prices in paise. */
export interface InstrumentState {
  instrument: SimInstrument;
  ltp: number;
  open: number;
  high: number;
  low: number;
  prevClose: number;
  volume: number;
  turnoverPaise: number;
  lastQty: number;
  lastTradeTime: number;
  exchTime: number;
  seq: number;
  oi: number;
  openOi: number;
  upperCircuit: number;
  lowerCircuit: number;
  high52: number;
  low52: number;
  bids: DepthEntry[];
  asks: DepthEntry[];
}

export type MarketHours = 'always' | 'nse';
export type TickListener = (states: InstrumentState[]) => void;

export interface MarketOptions {
  seed: number;
  clock: Clock;
  marketHours: MarketHours;
  /** Per-step volatility of the log price (default 0.0008) and jump probability (default 0.002). */
  volatility?: number;
  jumpProbability?: number;
  /** Yesterday's close per instrument (the candle history's), so history and the live walk join up. */
  previousClose?: (i: SimInstrument) => number;
}

const roundTick = (p: number, tick: number): number => Math.round(p / tick) * tick;

/**
 * A seeded random walk with occasional jumps per instrument. Each instrument has its own generator,
 * so the path of one token depends only on (seed, token, step number), not on the other instruments.
 */
export class Market {
  private readonly states = new Map<string, InstrumentState>();
  private readonly rngs = new Map<string, Rng>();
  private readonly listeners = new Set<TickListener>();
  private paused = false;
  private steps = 0;

  constructor(
    instruments: InstrumentStore,
    private readonly opts: MarketOptions,
  ) {
    const now = opts.clock.now();
    for (const i of instruments.all) {
      const rng = new Rng(deriveSeed(opts.seed, 'walk', i.token));
      this.rngs.set(i.token, rng);
      const prevClose = opts.previousClose?.(i) ?? i.basePricePaise;
      const band = roundTick(prevClose * i.circuitFraction, i.tickSizePaise);
      const oi = i.isDerivative ? i.lotSize * rng.int(2000, 20000) : 0;
      const st: InstrumentState = {
        instrument: i,
        ltp: prevClose,
        open: prevClose,
        high: prevClose,
        low: prevClose,
        prevClose,
        volume: 0,
        turnoverPaise: 0,
        lastQty: 0,
        lastTradeTime: now,
        exchTime: now,
        seq: 0,
        oi,
        openOi: oi,
        upperCircuit: prevClose + band,
        lowerCircuit: Math.max(i.tickSizePaise, prevClose - band),
        high52: roundTick(prevClose * 1.35, i.tickSizePaise),
        low52: roundTick(prevClose * 0.7, i.tickSizePaise),
        bids: [],
        asks: [],
      };
      this.rebuildDepth(st, rng);
      this.states.set(i.token, st);
    }
  }

  get stepCount(): number {
    return this.steps;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** A stalled feed: the walk and the ticks stop, sockets stay open. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  isOpen(at = this.opts.clock.now()): boolean {
    return this.opts.marketHours === 'always' || isNseOpen(at);
  }

  state(token: string): InstrumentState | undefined {
    return this.states.get(String(token));
  }

  allStates(): IterableIterator<InstrumentState> {
    return this.states.values();
  }

  onTicks(listener: TickListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Advances every instrument one step and notifies listeners; a no-op while paused or closed. */
  step(): InstrumentState[] {
    if (this.paused || !this.isOpen()) return [];
    this.steps++;
    const now = this.opts.clock.now();
    const vol = this.opts.volatility ?? 0.0008;
    const jumpP = this.opts.jumpProbability ?? 0.002;
    const changed: InstrumentState[] = [];
    for (const st of this.states.values()) {
      const rng = this.rngs.get(st.instrument.token)!;
      let r = vol * rng.normal();
      if (rng.next() < jumpP) r += (rng.next() < 0.5 ? -1 : 1) * (0.005 + 0.015 * rng.next());
      // Mean reversion toward the previous close keeps long runs inside the circuit band.
      r -= 0.001 * Math.log(st.ltp / st.prevClose);
      const next = roundTick(st.ltp * Math.exp(r), st.instrument.tickSizePaise);
      const qty = st.instrument.isIndex ? 0 : st.instrument.lotSize * rng.int(1, 20);
      this.trade(st, next, qty, now, rng);
      changed.push(st);
    }
    this.emit(changed);
    return changed;
  }

  /** Moves one instrument to a price (tests and the admin route), clamped to its circuit. */
  setPrice(token: string, pricePaise: number): InstrumentState {
    const st = this.states.get(String(token));
    if (!st) throw new RangeError(`unknown token ${token}`);
    const rng = this.rngs.get(st.instrument.token)!;
    this.trade(
      st,
      roundTick(pricePaise, st.instrument.tickSizePaise),
      st.instrument.isIndex ? 0 : st.instrument.lotSize,
      this.opts.clock.now(),
      rng,
    );
    this.emit([st]);
    return st;
  }

  /** Records the simulator's own fills in the day's volume so quotes stay consistent with the trade book. */
  recordFill(token: string, pricePaise: number, qty: number): void {
    const st = this.states.get(token);
    if (!st) return;
    st.volume += qty;
    st.turnoverPaise += pricePaise * qty;
  }

  private trade(st: InstrumentState, price: number, qty: number, now: number, rng: Rng): void {
    const p = Math.min(st.upperCircuit, Math.max(st.lowerCircuit, price));
    st.ltp = p;
    st.high = Math.max(st.high, p);
    st.low = Math.min(st.low, p);
    st.high52 = Math.max(st.high52, p);
    st.low52 = Math.min(st.low52, p);
    st.lastQty = qty;
    st.volume += qty;
    st.turnoverPaise += p * qty;
    st.lastTradeTime = now;
    st.exchTime = now;
    if (!st.instrument.isIndex) st.seq++;
    if (st.instrument.isDerivative)
      st.oi = Math.max(st.instrument.lotSize, st.oi + st.instrument.lotSize * rng.int(-3, 3));
    this.rebuildDepth(st, rng);
  }

  private rebuildDepth(st: InstrumentState, rng: Rng): void {
    const tick = st.instrument.tickSizePaise;
    if (st.instrument.isIndex) {
      st.bids = [];
      st.asks = [];
      return;
    }
    const lot = st.instrument.lotSize;
    const level = (price: number): DepthEntry => ({
      pricePaise: price,
      quantity: lot * rng.int(1, 60),
      orders: rng.int(1, 25),
    });
    st.bids = [];
    st.asks = [];
    for (let k = 0; k < 5; k++) {
      const bid = st.ltp - (k + 1) * tick;
      const ask = st.ltp + (k + 1) * tick;
      if (bid >= st.lowerCircuit) st.bids.push(level(bid));
      if (ask <= st.upperCircuit) st.asks.push(level(ask));
    }
  }

  private emit(changed: InstrumentState[]): void {
    for (const l of this.listeners) l(changed);
  }

  /** Average traded price of the day in paise. */
  static avgPrice(st: InstrumentState): number {
    return st.volume > 0 ? Math.round(st.turnoverPaise / st.volume) : st.ltp;
  }
}
