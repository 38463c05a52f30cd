import { ManualClock } from '@/common/clock';
import { InstrumentStore, buildInstruments } from './instruments';
import { Market } from './market';

const T0 = Date.UTC(2026, 10, 27, 5, 0, 0);
const make = (seed: number, marketHours: 'always' | 'nse' = 'always', clock = new ManualClock(T0)): Market =>
  new Market(new InstrumentStore(buildInstruments(seed, T0)), {
    seed,
    clock,
    marketHours,
    jumpProbability: 0.05,
  });
const path = (m: Market, token: string, n: number): number[] =>
  Array.from({ length: n }, () => (m.step(), m.state(token)!.ltp));

describe('Market (seeded random walk)', () => {
  it('replays the same path for the same seed, and another for another seed', () => {
    const a = path(make(42), '3045', 200);
    expect(path(make(42), '3045', 200)).toEqual(a);
    expect(path(make(43), '3045', 200)).not.toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(10);
  });

  it('keeps prices on the tick grid and inside the circuit, with five depth levels either side', () => {
    const m = make(42);
    for (let i = 0; i < 500; i++) {
      m.step();
      for (const st of m.allStates()) {
        expect(st.ltp % st.instrument.tickSizePaise).toBe(0);
        expect(st.ltp).toBeLessThanOrEqual(st.upperCircuit);
        expect(st.ltp).toBeGreaterThanOrEqual(st.lowerCircuit);
      }
    }
    const sbin = m.state('3045')!;
    expect(sbin.bids.map((d) => d.pricePaise)).toEqual([1, 2, 3, 4, 5].map((k) => sbin.ltp - 5 * k));
    expect(sbin.asks.map((d) => d.pricePaise)).toEqual([1, 2, 3, 4, 5].map((k) => sbin.ltp + 5 * k));
    expect(sbin.volume).toBeGreaterThan(0);
  });

  it('clamps a forced price to the circuit and gives F&O open interest but indices no volume', () => {
    const m = make(42);
    const st = m.setPrice('3045', 10_000_000);
    expect(st.ltp).toBe(st.upperCircuit);
    m.step();
    const fut = [...m.allStates()].find((s) => s.instrument.instrumentType === 'FUTIDX')!;
    expect(fut.oi).toBeGreaterThan(0);
    expect(m.state('99926000')!.volume).toBe(0);
    expect(m.state('3045')!.oi).toBe(0);
  });

  it('stands still while paused and outside NSE hours when so configured', () => {
    const m = make(42);
    m.pause();
    expect(m.step()).toEqual([]);
    m.resume();
    expect(m.step().length).toBeGreaterThan(0);
    const clock = new ManualClock(Date.UTC(2026, 10, 27, 10, 30, 0)); // 16:00 IST
    const nse = make(42, 'nse', clock);
    expect(nse.step()).toEqual([]);
    clock.set(Date.UTC(2026, 10, 27, 3, 45, 0)); // 09:15 IST
    expect(nse.step().length).toBeGreaterThan(0);
  });
});
