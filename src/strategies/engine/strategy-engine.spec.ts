import { ManualClock } from '@/common/clock';
import type { Candle, Interval } from '@/domain/market';
import { NumberParam } from '@/strategies/params';
import { Strategy, type StrategyContext } from '@/strategies/strategy.contract';
import { candle, FLAT_PORTFOLIO, RecordingExecutor, T0 } from '@/strategies/testing/fakes';
import { StrategyEngine, type HistoryProvider } from '@/strategies/engine';

class ProbeParams {
  @NumberParam({ description: 'emit on bars whose close is >= this', min: 0, max: 1e9 })
  buyAbove = 1e9;
}

/** Records what it sees; buys when the close reaches `buyAbove`, throws on a close of 666. */
class Probe extends Strategy<ProbeParams> {
  readonly id = 'probe';
  readonly name = 'Probe';
  readonly description = 'test';
  readonly paramsSchema = ProbeParams;
  seen: Array<{ interval: Interval; start: number; warm: boolean; close: number }> = [];
  needs: Interval[] = [];
  starts = 0;
  stops = 0;
  warmup = 0;
  throwOn = NaN;
  warmupBars(): number {
    return this.warmup;
  }
  override timeframes(base: Interval): Interval[] {
    return [base, ...this.needs];
  }
  override onStart(): void {
    this.starts++;
  }
  override onStop(): void {
    this.stops++;
  }
  override onCandle(c: Candle, ctx: StrategyContext<ProbeParams>): void {
    if (c.closePaise === this.throwOn) throw new Error('boom');
    this.seen.push({ interval: c.interval, start: c.start, warm: ctx.warmingUp, close: c.closePaise });
    if (c.closePaise >= this.params.buyAbove)
      ctx.emit({ symbol: c.symbol, side: 'BUY', strength: 0.8, reason: `close ${c.closePaise}` });
  }
}

function probe(buyAbove = 1e9): Probe {
  return Object.assign(new Probe(new ProbeParams()), { params: { buyAbove } });
}

function setup(history?: HistoryProvider, resample = false) {
  const clock = new ManualClock(T0 + 3_600_000);
  const executor = new RecordingExecutor();
  const statuses: string[] = [];
  const engine = new StrategyEngine({
    executor,
    clock,
    portfolio: FLAT_PORTFOLIO,
    history,
    resample,
    onStatusChange: (id, s, e) => statuses.push(`${id}:${s}${e ? `:${e}` : ''}`),
  });
  return { clock, executor, engine, statuses };
}

describe('StrategyEngine', () => {
  it('routes candles by symbol and timeframe to each instance, and stamps signals with the instance id and clock time', async () => {
    const { engine, executor, clock } = setup();
    const a = probe(100);
    const b = probe(100);
    engine.addInstance({ id: 'a', strategy: a, symbols: ['NSE:SBIN-EQ'], timeframe: '1m' });
    engine.addInstance({ id: 'b', strategy: b, symbols: ['NSE:TCS-EQ'], timeframe: '5m' });
    await engine.start('a');
    await engine.start('b');
    engine.onCandle(candle('NSE:SBIN-EQ', 0, 100));
    engine.onCandle(candle('NSE:TCS-EQ', 0, 100));
    engine.onCandle(candle('NSE:TCS-EQ', 0, 100, { interval: '5m' }));
    engine.onCandle({ ...candle('NSE:SBIN-EQ', 1, 100), closed: false });
    expect(a.seen).toHaveLength(1);
    expect(b.seen.map((s) => s.interval)).toEqual(['5m']);
    expect(executor.signals.map((s) => [s.strategyId, s.symbol, s.time])).toEqual([
      ['a', 'NSE:SBIN-EQ', clock.now()],
      ['b', 'NSE:TCS-EQ', clock.now()],
    ]);
    expect(engine.view('a')!.metrics.signals).toBe(1);
  });

  it('warms up from history with signals suppressed, then replays candles that arrived meanwhile', async () => {
    let release!: (c: Candle[]) => void;
    const history: HistoryProvider = {
      loadCandles: jest.fn(() => new Promise<Candle[]>((r) => (release = r))),
    };
    const { engine, executor } = setup(history);
    const s = probe(100);
    s.warmup = 3;
    engine.addInstance({ id: 'w', strategy: s, symbols: ['X'], timeframe: '1m' });
    const started = engine.start('w');
    expect(engine.status('w')).toBe('STARTING');
    engine.onCandle(candle('X', 2, 150)); // overlaps history: dropped on replay
    engine.onCandle(candle('X', 3, 160)); // newer: replayed live
    release([candle('X', 0, 120), candle('X', 1, 130), candle('X', 2, 150)]);
    await started;
    expect(history.loadCandles).toHaveBeenCalledWith('X', '1m', 3, expect.any(Number));
    expect(s.seen.map((x) => [x.close, x.warm])).toEqual([
      [120, true],
      [130, true],
      [150, true],
      [160, false],
    ]);
    expect(executor.signals.map((x) => x.reason)).toEqual(['close 160']);
    expect(engine.status('w')).toBe('RUNNING');
  });

  it('marks a throwing strategy ERRORED and stops it while the others go on', async () => {
    const { engine, executor, statuses } = setup();
    const bad = Object.assign(probe(0), { throwOn: 666 });
    const good = probe(0);
    engine.addInstance({ id: 'bad', strategy: bad, symbols: ['X'], timeframe: '1m' });
    engine.addInstance({ id: 'good', strategy: good, symbols: ['X'], timeframe: '1m' });
    await engine.start('bad');
    await engine.start('good');
    engine.onCandle(candle('X', 0, 666));
    engine.onCandle(candle('X', 1, 200));
    expect(engine.view('bad')).toMatchObject({ status: 'ERRORED', error: 'boom' });
    expect(bad.stops).toBe(1);
    expect(good.seen.map((x) => x.close)).toEqual([666, 200]);
    expect(executor.signals.map((x) => x.strategyId)).toEqual(['good', 'good']);
    expect(statuses).toContain('bad:ERRORED:boom');
    await engine.start('bad');
    expect(engine.status('bad')).toBe('RUNNING');
  });

  it('attributes fills to the instance: position, realised P&L net of charges, trades, win rate', async () => {
    const { engine } = setup();
    const s = probe();
    engine.addInstance({ id: 'p', strategy: s, symbols: ['X'], timeframe: '1m' });
    await engine.start('p');
    const fill = (side: 'BUY' | 'SELL', qty: number, price: number, time: number) =>
      engine.onOrderUpdate({
        strategyId: 'p',
        clientOrderId: `c${time}`,
        symbol: 'X',
        side,
        status: 'FILLED',
        fillQuantity: qty,
        fillPricePaise: price,
        chargesPaise: 20,
        time,
      });
    fill('BUY', 10, 10_000, T0);
    expect(engine.view('p')!.metrics.trades).toBe(0);
    fill('SELL', 10, 10_500, T0 + 60_000); // +5,000 gross, 40 charges
    fill('SELL', 5, 10_400, T0 + 120_000); // short 5
    fill('BUY', 5, 10_600, T0 + 86_400_000); // -1,000 gross, 40 charges, next day
    const m = engine.view('p')!.metrics;
    expect(m).toMatchObject({
      trades: 2,
      wins: 1,
      losses: 1,
      consecutiveLosses: 1,
      winRate: 0.5,
      chargesPaise: 80,
      realisedPnlPaise: 5_000 - 1_000 - 80,
    });
    // Daily net P&L 4,960 and -1,040: mean 1,960, sample sd 4,242.64 -> sharpe 0.462 * sqrt(252).
    expect(m.sharpe).toBeCloseTo(
      (1960 / Math.sqrt(((4960 - 1960) ** 2 + (-1040 - 1960) ** 2) / 1)) * Math.sqrt(252),
      6,
    );
  });

  it('majority vote: one group signal when 2 of 3 members agree, none at 1 of 3', async () => {
    const { engine, executor } = setup();
    engine.defineGroup({ id: 'g', mode: 'majority' });
    const members = [probe(100), probe(100), probe(200)];
    members.forEach((m, i) =>
      engine.addInstance({ id: `m${i}`, strategy: m, symbols: ['X'], timeframe: '1m', group: 'g' }),
    );
    for (let i = 0; i < 3; i++) await engine.start(`m${i}`);
    engine.onCandle(candle('X', 0, 150));
    expect(executor.signals).toHaveLength(1);
    expect(executor.signals[0]).toMatchObject({
      strategyId: 'g',
      side: 'BUY',
      intent: 'ENTRY',
      strength: 0.8,
    });
    expect(executor.signals[0].reason).toMatch(/majority 2\/3 BUY/);
    engine.onCandle(candle('X', 1, 50));
    expect(executor.signals).toHaveLength(1);
  });

  it('unanimous needs every running member; weighted compares the weighted score to the threshold', async () => {
    const { engine, executor } = setup();
    engine.defineGroup({ id: 'u', mode: 'unanimous' });
    engine.defineGroup({ id: 'w', mode: 'weighted', threshold: 0.5 });
    engine.addInstance({ id: 'u1', strategy: probe(100), symbols: ['X'], timeframe: '1m', group: 'u' });
    engine.addInstance({ id: 'u2', strategy: probe(200), symbols: ['X'], timeframe: '1m', group: 'u' });
    engine.addInstance({
      id: 'w1',
      strategy: probe(100),
      symbols: ['Y'],
      timeframe: '1m',
      group: 'w',
      weight: 3,
    });
    engine.addInstance({
      id: 'w2',
      strategy: probe(200),
      symbols: ['Y'],
      timeframe: '1m',
      group: 'w',
      weight: 1,
    });
    for (const id of ['u1', 'u2', 'w1', 'w2']) await engine.start(id);
    engine.onCandle(candle('X', 0, 150));
    expect(executor.signals).toHaveLength(0);
    engine.onCandle(candle('X', 1, 250));
    expect(executor.signals.map((s) => s.strategyId)).toEqual(['u']);
    engine.onCandle(candle('Y', 0, 150)); // 3 * 0.8 / 4 = 0.6 >= 0.5
    expect(executor.signals.at(-1)).toMatchObject({ strategyId: 'w', side: 'BUY' });
    expect(executor.signals.at(-1)!.strength).toBeCloseTo(0.6, 12);
  });

  it('builds higher timeframes from 1m candles when resampling, aligned to 09:15 IST', async () => {
    const { engine } = setup(undefined, true);
    const s = probe();
    s.needs = ['5m'];
    engine.addInstance({ id: 'r', strategy: s, symbols: ['X'], timeframe: '1m' });
    await engine.start('r');
    for (let i = 0; i < 11; i++) engine.onCandle(candle('X', i, 100 + i));
    const fives = s.seen.filter((x) => x.interval === '5m');
    expect(fives.map((x) => [x.start, x.close])).toEqual([
      [T0, 104],
      [T0 + 300_000, 109],
    ]);
  });

  it('counts executor refusals and survives an executor that throws or rejects', async () => {
    const clock = new ManualClock(T0);
    let n = 0;
    const executor = new RecordingExecutor(() => {
      n++;
      if (n === 1) return { status: 'RISK_REJECTED' };
      if (n === 2) throw new Error('down');
      return Promise.reject(new Error('later'));
    });
    const engine = new StrategyEngine({ executor, clock, portfolio: FLAT_PORTFOLIO });
    engine.addInstance({ id: 'e', strategy: probe(0), symbols: ['X'], timeframe: '1m' });
    await engine.start('e');
    for (let i = 0; i < 3; i++) engine.onCandle(candle('X', i, 100));
    await new Promise((r) => setImmediate(r));
    expect(engine.view('e')!.metrics).toMatchObject({ signals: 3, signalsSent: 3, executorRejections: 3 });
    expect(engine.status('e')).toBe('RUNNING');
  });

  it('stop runs onStop and stops delivery; remove forgets the instance', async () => {
    const { engine } = setup();
    const s = probe();
    engine.addInstance({ id: 's', strategy: s, symbols: ['X'], timeframe: '1m' });
    await engine.start('s');
    engine.stop('s');
    engine.onCandle(candle('X', 0, 1));
    expect(s.seen).toHaveLength(0);
    expect(s.stops).toBe(1);
    engine.remove('s');
    expect(engine.has('s')).toBe(false);
  });
});

describe('StrategyEngine restore after a restart', () => {
  it('puts back the attributed position and the stored counters, and continues P&L from them', async () => {
    const { engine } = setup();
    const s = probe();
    engine.addInstance({ id: 'r', strategy: s, symbols: ['X'], timeframe: '1m' });
    engine.restore('r', {
      positions: [{ symbol: 'X', quantity: 10, avgPricePaise: 10_000, openedAt: T0 }],
      metrics: {
        signals: 7,
        signalsSent: 7,
        trades: 3,
        wins: 2,
        losses: 1,
        realisedPnlPaise: 1_500,
        chargesPaise: 100,
      },
    });
    await engine.start('r');
    expect(engine.position('r', 'X')).toMatchObject({ quantity: 10, avgPricePaise: 10_000 });
    engine.onOrderUpdate({
      strategyId: 'r',
      clientOrderId: 'x',
      symbol: 'X',
      side: 'SELL',
      status: 'FILLED',
      fillQuantity: 10,
      fillPricePaise: 10_100,
      chargesPaise: 10,
      time: T0 + 60_000,
    });
    expect(engine.view('r')!.metrics).toMatchObject({
      signals: 7,
      trades: 4,
      wins: 3,
      chargesPaise: 110,
      realisedPnlPaise: 1_500 + 1_000 - 10,
    });
    expect(engine.position('r', 'X')!.quantity).toBe(0);
  });
});
