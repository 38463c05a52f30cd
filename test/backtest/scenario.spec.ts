import { runBacktest } from '@/backtest/engine';
import { IndianCharges } from '@/backtest/charges';
import type { BacktestOptions } from '@/backtest/backtest.types';
import type { Candle } from '@/domain/market';
import { Strategy, type StrategyContext } from '@/strategies/strategy.contract';

class ScriptParams {}
type Step = {
  bar: number;
  side: 'BUY' | 'SELL';
  intent: 'ENTRY' | 'EXIT';
  stop?: number;
  target?: number;
  trail?: number;
};

/** Emits the scripted signals at the close of the given bars (0-based). */
class ScriptedStrategy extends Strategy<ScriptParams> {
  readonly id = 'scripted';
  readonly name = 'scripted';
  readonly description = 'test';
  readonly paramsSchema = ScriptParams;
  private bar = -1;
  constructor(private readonly steps: Step[]) {
    super(new ScriptParams());
  }
  warmupBars(): number {
    return 0;
  }
  override onCandle(c: Candle, ctx: StrategyContext): void {
    this.bar++;
    for (const s of this.steps.filter((x) => x.bar === this.bar)) {
      ctx.emit({
        symbol: c.symbol,
        side: s.side,
        intent: s.intent,
        strength: 1,
        reason: `step ${s.bar}`,
        stopLossPaise: s.stop,
        takeProfitPaise: s.target,
        trailingStopPaise: s.trail,
      });
    }
  }
}

const day = (d: number): number => Date.parse(`2026-01-0${d}T00:00:00+05:30`);
const bar = (d: number, o: number, h: number, l: number, c: number, volume = 100_000): Candle => ({
  symbol: 'NSE:SBIN-EQ',
  interval: '1d',
  start: day(d),
  openPaise: o * 100,
  highPaise: h * 100,
  lowPaise: l * 100,
  closePaise: c * 100,
  volume,
  closed: true,
});

// Mon 5 .. Fri 9 January 2026.
const FIVE_DAYS = [
  bar(5, 500, 505, 495, 500),
  bar(6, 500, 502, 498, 500),
  bar(7, 500, 512, 499, 505),
  bar(8, 505, 515, 504, 510),
  bar(9, 510, 511, 505, 508),
];

function options(strategy: Strategy<object>, extra: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    instrument: { symbol: 'NSE:SBIN-EQ', instrumentType: 'EQ', lotSize: 1, tickSizePaise: 5 },
    interval: '1d',
    strategy,
    capitalPaise: 100_000_00,
    product: 'DELIVERY',
    sizing: { kind: 'FIXED_QUANTITY', quantity: 100 },
    ...extra,
  };
}

describe('backtest scenario: one delivery trade, 100 SBIN bought at 500 and sold at 510, charges on', () => {
  const steps: Step[] = [
    { bar: 1, side: 'BUY', intent: 'ENTRY' },
    { bar: 3, side: 'SELL', intent: 'EXIT' },
  ];

  it('fills at the next open and nets the hand-computed charges out of the P&L', async () => {
    const r = await runBacktest(
      FIVE_DAYS,
      options(new ScriptedStrategy(steps), { charges: new IndianCharges() }),
    );
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0];
    // Buy leg 8298p and sell leg 10010p (see charges.spec.ts); gross 100 x Rs 10 = 100000p.
    expect(t).toMatchObject({
      side: 'LONG',
      quantity: 100,
      entryTime: day(7),
      exitTime: day(9),
      entryPricePaise: 50000,
      exitPricePaise: 51000,
      grossPnlPaise: 100000,
      chargesPaise: 18308,
      pnlPaise: 81692,
      exitReason: 'SIGNAL',
    });
    // Equity at each close: capital; capital; cash 4,991,702 + 100 x 505; + 100 x 510; final cash.
    expect(Array.from(r.equity)).toEqual([10_000_000, 10_000_000, 10_041_702, 10_091_702, 10_081_692]);
  });

  it('pins every metric to its documented definition', async () => {
    const m = (
      await runBacktest(FIVE_DAYS, options(new ScriptedStrategy(steps), { charges: new IndianCharges() }))
    ).metrics;
    const daily = [0, 0, 41_702 / 10_000_000, 50_000 / 10_041_702, -10_010 / 10_091_702];
    const mean = daily.reduce((a, b) => a + b) / 5;
    const sd = Math.sqrt(daily.reduce((a, r) => a + (r - mean) ** 2, 0) / 4);
    const downside = Math.sqrt(daily[4] ** 2 / 5);
    const cagr = (10_081_692 / 10_000_000) ** (365.25 / 5) - 1;
    const maxDd = 10_010 / 10_091_702;
    expect(m.totalReturn).toBeCloseTo(0.0081692, 12);
    expect(m.netProfitPaise).toBe(81_692);
    expect(m.cagr).toBeCloseTo(cagr, 10);
    expect(m.annualVolatility).toBeCloseTo(sd * Math.sqrt(252), 12);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 10);
    expect(m.sortino).toBeCloseTo((mean / downside) * Math.sqrt(252), 10);
    expect(m.maxDrawdown).toBeCloseTo(maxDd, 12);
    expect(m.calmar).toBeCloseTo(cagr / maxDd, 8);
    expect(m.maxDrawdownDurationBars).toBe(1);
    expect(m.maxDrawdownDurationMs).toBe(86_400_000);
    expect(m).toMatchObject({
      winRate: 1,
      profitFactor: null,
      expectancyPaise: 81_692,
      avgWinPaise: 81_692,
      avgLossPaise: null,
      exposure: 0.4,
      tradeCount: 1,
      totalChargesPaise: 18_308,
      tradingDays: 5,
    });
  });

  it('is deterministic: equal input, equal output', async () => {
    const a = await runBacktest(
      FIVE_DAYS,
      options(new ScriptedStrategy(steps), { charges: new IndianCharges() }),
    );
    const b = await runBacktest(
      FIVE_DAYS,
      options(new ScriptedStrategy(steps), { charges: new IndianCharges() }),
    );
    expect({ ...b, equity: Array.from(b.equity) }).toEqual({ ...a, equity: Array.from(a.equity) });
  });
});

describe('fill model inside the engine', () => {
  it('fills at the signal bar close with fill.at = close, and slips buys up and sells down by bps on the tick grid', async () => {
    const steps: Step[] = [
      { bar: 1, side: 'BUY', intent: 'ENTRY' },
      { bar: 3, side: 'SELL', intent: 'EXIT' },
    ];
    const r = await runBacktest(
      FIVE_DAYS,
      options(new ScriptedStrategy(steps), { fill: { at: 'close', slippageBps: 10 } }),
    );
    // 500 x 1.001 = 500.50 (on grid); 510 x 0.999 = 509.49 -> down to the 5p tick: 509.45.
    expect(r.trades[0]).toMatchObject({
      entryTime: day(7),
      entryPricePaise: 50050,
      exitPricePaise: 50945,
      grossPnlPaise: 100 * (50945 - 50050),
    });
  });

  it('a bar touching both stop and target exits at the stop (pessimistic rule)', async () => {
    const bars = [
      bar(5, 500, 501, 499, 500),
      bar(6, 500, 501, 499, 500),
      bar(7, 500, 530, 470, 500),
      bar(8, 500, 501, 499, 500),
    ];
    const r = await runBacktest(
      bars,
      options(new ScriptedStrategy([{ bar: 1, side: 'BUY', intent: 'ENTRY', stop: 48_000, target: 52_000 }])),
    );
    expect(r.trades[0]).toMatchObject({ exitReason: 'STOP_LOSS', exitPricePaise: 48_000, exitTime: day(7) });
  });

  it('a gap through the stop fills at the open, not the stop', async () => {
    const bars = [
      bar(5, 500, 501, 499, 500),
      bar(6, 500, 501, 499, 500),
      bar(7, 500, 501, 499, 500),
      bar(8, 470, 475, 460, 465),
    ];
    const r = await runBacktest(
      bars,
      options(new ScriptedStrategy([{ bar: 1, side: 'BUY', intent: 'ENTRY', stop: 48_000 }])),
    );
    expect(r.trades[0]).toMatchObject({ exitReason: 'STOP_LOSS', exitPricePaise: 47_000 });
  });

  it('trails from completed bars only', async () => {
    const bars = [
      bar(5, 500, 501, 499, 500),
      bar(6, 500, 501, 499, 500),
      bar(7, 500, 520, 499, 518),
      bar(8, 518, 519, 509, 512),
    ];
    // Entry 500 at day 7 open; day 7 high 520 lifts the trail to 510 for day 8, whose low 509 hits it.
    const r = await runBacktest(
      bars,
      options(new ScriptedStrategy([{ bar: 1, side: 'BUY', intent: 'ENTRY', trail: 1000 }])),
    );
    expect(r.trades[0]).toMatchObject({
      exitReason: 'TRAILING_STOP',
      exitPricePaise: 51_000,
      exitTime: day(8),
    });
  });

  it('caps each fill at the share of bar volume and carries the rest to the next open', async () => {
    const bars = [
      bar(5, 500, 501, 499, 500),
      bar(6, 500, 501, 499, 500),
      bar(7, 500, 501, 499, 500, 500),
      bar(8, 502, 503, 499, 500, 500),
      bar(9, 500, 501, 499, 500),
    ];
    const r = await runBacktest(
      bars,
      options(new ScriptedStrategy([{ bar: 1, side: 'BUY', intent: 'ENTRY' }]), {
        fill: { maxVolumeShare: 0.1 },
      }),
    );
    // 50 @ 500 on day 7, 50 @ 502 on day 8; closed at the end of data.
    expect(r.trades[0]).toMatchObject({ quantity: 100, entryPricePaise: 50_100, exitReason: 'END_OF_DATA' });
  });

  it('drops the remainder with remainder = cancel', async () => {
    const bars = [
      bar(5, 500, 501, 499, 500),
      bar(6, 500, 501, 499, 500),
      bar(7, 500, 501, 499, 500, 500),
      bar(8, 502, 503, 499, 500, 500),
    ];
    const r = await runBacktest(
      bars,
      options(new ScriptedStrategy([{ bar: 1, side: 'BUY', intent: 'ENTRY' }]), {
        fill: { maxVolumeShare: 0.1, remainder: 'cancel' },
      }),
    );
    expect(r.trades[0].quantity).toBe(50);
  });

  it('sizes F&O in whole lots and refuses what capital cannot buy', async () => {
    const strat = new ScriptedStrategy([{ bar: 1, side: 'BUY', intent: 'ENTRY' }]);
    const r = await runBacktest(FIVE_DAYS, {
      ...options(strat),
      instrument: { symbol: 'NFO:X', instrumentType: 'FUTSTK', lotSize: 75, tickSizePaise: 5 },
      product: 'CARRYFORWARD',
      sizing: { kind: 'EQUITY_FRACTION', fraction: 1 },
    });
    // Rs 1,00,000 / (500 x 1.002) = 199.6 units -> 2 lots of 75.
    expect(r.trades[0].quantity).toBe(150);
  });

  it('squares INTRADAY positions off at the cut-off bar and refuses later entries', async () => {
    const t = (hhmm: string): number => Date.parse(`2026-01-05T${hhmm}:00+05:30`);
    const mk = (hhmm: string, p: number): Candle => ({
      symbol: 'NSE:SBIN-EQ',
      interval: '5m',
      start: t(hhmm),
      openPaise: p,
      highPaise: p,
      lowPaise: p,
      closePaise: p,
      volume: 1000,
      closed: true,
    });
    const bars = [
      mk('15:00', 50000),
      mk('15:05', 50100),
      mk('15:10', 50200),
      mk('15:15', 50300),
      mk('15:20', 50400),
    ];
    const strat = new ScriptedStrategy([
      { bar: 0, side: 'BUY', intent: 'ENTRY' },
      { bar: 3, side: 'BUY', intent: 'ENTRY' },
    ]);
    const r = await runBacktest(bars, { ...options(strat), interval: '5m', product: 'INTRADAY' });
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({
      exitReason: 'SQUARE_OFF',
      exitTime: t('15:15'),
      exitPricePaise: 50200,
    });
    expect(r.refusals.map((x) => x.reason)).toEqual([expect.stringContaining('SQUARE_OFF_CUTOFF')]);
  });
});
