import { ManualClock } from '@/common/clock';
import type { Signal } from '@/domain/execution';
import type { Candle, Tick } from '@/domain/market';
import { StrategyEngine } from '@/strategies/engine';
import { StrategyRegistry } from '@/strategies/registry';
import { candle, FLAT_PORTFOLIO, T0 } from '@/strategies/testing/fakes';

/** Runs one built-in through the engine; every signal fills at once at the last price seen. */
function harness(type: string, params: Record<string, unknown> = {}, symbols = ['X']) {
  const made = StrategyRegistry.withBuiltins().instantiate(type, params);
  if (!made.ok) throw new Error(JSON.stringify(made.problems));
  const clock = new ManualClock(T0);
  const signals: Signal[] = [];
  let last = 0;
  let n = 0;
  const pending: Array<() => void> = [];
  const posQty = () => engine.position('i', 'X')!.quantity;
  const executor = {
    execute(s: Signal) {
      signals.push(s);
      const qty = s.intent === 'EXIT' ? Math.abs(posQty()) : 10;
      pending.push(() =>
        engine.onOrderUpdate({
          strategyId: 'i',
          clientOrderId: `c${n++}`,
          symbol: s.symbol,
          side: s.side,
          status: 'FILLED',
          fillQuantity: qty,
          fillPricePaise: last,
          time: clock.now(),
        }),
      );
      return { status: 'SUBMITTED' };
    },
  };
  const strategy = made.strategy;
  const engine: StrategyEngine = new StrategyEngine({ executor, clock, portfolio: FLAT_PORTFOLIO });
  engine.addInstance({ id: 'i', strategy, symbols, timeframe: '1m' });
  const settle = () => pending.splice(0).forEach((f) => f());
  return {
    signals,
    posQty,
    start: () => engine.start('i'),
    candle(c: Candle) {
      last = c.closePaise;
      clock.set(c.start + 60_000);
      engine.onCandle(c);
      settle();
    },
    tick(t: Tick) {
      last = t.ltpPaise;
      clock.set(t.exchangeTime);
      engine.onTick(t);
      settle();
    },
    engine,
  };
}

describe('sma-crossover', () => {
  it('buys on the upward cross, exits on the downward cross, and never shorts by default', async () => {
    const h = harness('sma-crossover', { fast: 2, slow: 4 });
    await h.start();
    const closes = [100, 100, 100, 100, 90, 90, 120, 130, 140, 100, 80, 70, 60, 120, 130];
    closes.forEach((c, i) => h.candle(candle('X', i, c * 100)));
    expect(h.signals.map((s) => `${s.side}:${s.intent}`)).toEqual(['BUY:ENTRY', 'SELL:EXIT', 'BUY:ENTRY']);
    expect(h.signals[0].reason).toMatch(/SMA cross up/);
    expect(h.posQty()).toBe(10);
  });

  it('shorts the downward cross when allowShort is on and covers on the cross back up', async () => {
    const h = harness('sma-crossover', { fast: 2, slow: 4, allowShort: true });
    await h.start();
    [100, 100, 100, 100, 110, 80, 70, 120, 130].forEach((c, i) => h.candle(candle('X', i, c * 100)));
    expect(h.signals.map((s) => `${s.side}:${s.intent}`)).toEqual(['SELL:ENTRY', 'BUY:EXIT']);
    expect(h.posQty()).toBe(0);
  });
});

describe('rsi-mean-reversion', () => {
  it('buys when RSI falls through oversold and exits when it rises through overbought, with the stop below the entry', async () => {
    const h = harness('rsi-mean-reversion', { period: 3, oversold: 30, overbought: 70, stopLossPct: 2 });
    await h.start();
    const closes = [100, 101, 102, 103, 104, 100, 95, 90, 88, 95, 100, 106, 110];
    closes.forEach((c, i) => h.candle(candle('X', i, c * 100)));
    const kinds = h.signals.map((s) => `${s.side}:${s.intent}`);
    expect(kinds).toEqual(['BUY:ENTRY', 'SELL:EXIT']);
    const entry = h.signals[0];
    const entryClose = closes[(entry.time - T0 - 60_000) / 60_000] * 100;
    expect(entry.stopLossPaise).toBe(entryClose - Math.round(entryClose * 0.02));
    expect(entry.reason).toMatch(/below 30/);
  });

  it('refuses oversold >= overbought naming the parameter', () => {
    const r = StrategyRegistry.withBuiltins().instantiate('rsi-mean-reversion', {
      oversold: 45,
      overbought: 50,
    });
    expect(r).toMatchObject({ ok: true });
    const bad = StrategyRegistry.withBuiltins().instantiate('rsi-mean-reversion', { overbought: 40 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]).toMatchObject({ param: 'overbought' });
  });
});

describe('bollinger-breakout', () => {
  const flat = (h: ReturnType<typeof harness>, n: number, vol = 1000) => {
    for (let i = 0; i < n; i++) h.candle(candle('X', i, (100 + (i % 2)) * 100, { volume: vol }));
  };

  it('buys a close above the upper band and exits below the middle band, stop at the middle band', async () => {
    const h = harness('bollinger-breakout', { period: 10, stdDevs: 2 });
    await h.start();
    flat(h, 10);
    h.candle(candle('X', 10, 11_000));
    expect(h.signals).toHaveLength(1);
    expect(h.signals[0]).toMatchObject({ side: 'BUY', intent: 'ENTRY' });
    expect(h.signals[0].stopLossPaise).toBeGreaterThan(10_000);
    expect(h.signals[0].stopLossPaise).toBeLessThan(11_000);
    h.candle(candle('X', 11, 9_000));
    expect(h.signals.map((s) => s.intent)).toEqual(['ENTRY', 'EXIT']);
  });

  it('with volume confirmation, ignores a breakout on ordinary volume and takes one on heavy volume', async () => {
    const h = harness('bollinger-breakout', {
      period: 10,
      volumeConfirm: true,
      volumePeriod: 5,
      volumeFactor: 2,
    });
    await h.start();
    flat(h, 10);
    h.candle(candle('X', 10, 11_000, { volume: 1500 }));
    expect(h.signals).toHaveLength(0);
    const h2 = harness('bollinger-breakout', {
      period: 10,
      volumeConfirm: true,
      volumePeriod: 5,
      volumeFactor: 2,
    });
    await h2.start();
    flat(h2, 10);
    h2.candle(candle('X', 10, 11_000, { volume: 2500 }));
    expect(h2.signals[0].reason).toMatch(/on volume/);
  });
});

describe('tick-scalper', () => {
  const tick = (i: number, ltp: number, spread: number | null, dtMs = 1000): Tick => ({
    symbol: 'X',
    token: '1',
    exchange: 'NSE',
    mode: spread === null ? 'LTP' : 'SNAP',
    exchangeTime: T0 + i * dtMs,
    receivedAt: T0 + i * dtMs,
    ltpPaise: ltp,
    ...(spread === null
      ? {}
      : {
          bids: [{ pricePaise: ltp - spread, quantity: 100, orders: 1 }],
          asks: [{ pricePaise: ltp, quantity: 100, orders: 1 }],
        }),
  });
  const params = {
    lookbackTicks: 3,
    momentumTicks: 2,
    targetTicks: 4,
    stopTicks: 2,
    maxHoldSeconds: 30,
    maxSpreadTicks: 1,
    tickSizePaise: 5,
    cooldownSeconds: 0,
  };

  it('enters with the momentum when the spread is narrow, with a tick-based stop and target, IOC', async () => {
    const h = harness('tick-scalper', params);
    await h.start();
    [10_000, 10_000, 10_005, 10_010].forEach((p, i) => h.tick(tick(i, p, 5)));
    expect(h.signals).toHaveLength(1);
    expect(h.signals[0]).toMatchObject({
      side: 'BUY',
      intent: 'ENTRY',
      validity: 'IOC',
      stopLossPaise: 10_000,
      takeProfitPaise: 10_030,
    });
  });

  it('does not enter while the spread is wide or unknown', async () => {
    const h = harness('tick-scalper', params);
    await h.start();
    [10_000, 10_000, 10_005, 10_010].forEach((p, i) => h.tick(tick(i, p, 10)));
    [10_015, 10_020].forEach((p, i) => h.tick(tick(4 + i, p, null)));
    expect(h.signals).toHaveLength(0);
  });

  it('exits at the target, at the stop, and after the maximum holding time', async () => {
    const h = harness('tick-scalper', params);
    await h.start();
    [10_000, 10_000, 10_005, 10_010].forEach((p, i) => h.tick(tick(i, p, 5)));
    h.tick(tick(4, 10_030, 5));
    expect(h.signals.at(-1)).toMatchObject({ side: 'SELL', intent: 'EXIT' });
    expect(h.signals.at(-1)!.reason).toMatch(/target/);
    [10_030, 10_020, 10_010].forEach((p, i) => h.tick(tick(5 + i, p, 5))); // short entry on the way down
    expect(h.signals.at(-1)).toMatchObject({ side: 'SELL', intent: 'ENTRY' });
    h.tick(tick(8, 10_020, 5));
    expect(h.signals.at(-1)!.reason).toMatch(/stop/);
    [10_020, 10_025].forEach((p, i) => h.tick(tick(9 + i, p, 5)));
    const entry = h.signals.at(-1)!;
    expect(entry).toMatchObject({ side: 'BUY', intent: 'ENTRY' });
    const at = (entry.time - T0) / 1000;
    h.tick(tick(at + 29, 10_030, 5));
    const count = h.signals.length;
    expect(h.signals.at(-1)).toBe(entry);
    h.tick(tick(at + 31, 10_030, 5));
    expect(h.signals.length).toBe(count + 1);
    expect(h.signals.at(-1)!.reason).toMatch(/held 31 s, maximum 30 s/);
  });
});
