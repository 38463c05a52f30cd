import { ManualClock } from '@/common/clock';
import type { RiskReason } from '@/domain/execution';
import { RiskEngine } from './risk-engine';
import { FakeRiskView } from './testing/fake-risk-view';
import type { MarketHours, RiskCheckInput, RiskLimits } from './risk-types';

// Monday 6 Jan 2025, 10:00 IST (04:30 UTC).
const T0 = Date.UTC(2025, 0, 6, 4, 30);
const SBIN = 'NSE:SBIN-EQ';
const NIFTY_FUT = 'NFO:NIFTY25JANFUT';

function setup(limits: Partial<RiskLimits> = {}, calendar?: MarketHours) {
  const clock = new ManualClock(T0);
  const view = new FakeRiskView()
    .addInstrument(SBIN, 800_00, T0)
    .addInstrument(NIFTY_FUT, 23_500_00, T0, { exchange: 'NFO', lotSize: 75 });
  const rejected: string[] = [];
  const engine = new RiskEngine({
    view,
    clock,
    calendar,
    limits: { maxOrdersPerSecond: 0, ...limits },
    listener: { rejected: (_i, reason) => rejected.push(reason) },
  });
  return { clock, view, engine, rejected };
}

const buy = (quantity: number, extra: Partial<RiskCheckInput> = {}): RiskCheckInput => ({
  symbol: SBIN,
  side: 'BUY',
  quantity,
  type: 'MARKET',
  product: 'INTRADAY',
  ...extra,
});
const sell = (quantity: number, extra: Partial<RiskCheckInput> = {}) =>
  buy(quantity, { side: 'SELL', ...extra });

function expectReason(outcome: ReturnType<RiskEngine['check']>, reason: RiskReason): void {
  expect(outcome).toMatchObject({ accepted: false, reason });
  if (!outcome.accepted) expect(outcome.message.length).toBeGreaterThan(5);
}

describe('RiskEngine', () => {
  it('accepts an ordinary market buy within every limit', () => {
    const { engine } = setup();
    expect(engine.check(buy(10))).toEqual({ accepted: true });
  });

  describe('trading state', () => {
    it('HALTED refuses every order, exits included', () => {
      const { engine, view } = setup();
      view.setPosition(SBIN, 10);
      engine.setTradingState('HALTED');
      expectReason(engine.check(buy(1)), 'TRADING_HALTED');
      expectReason(engine.check(sell(10)), 'TRADING_HALTED');
    });

    it('REDUCING accepts an order that shrinks a position and refuses one that opens or flips it', () => {
      const { engine, view } = setup();
      view.setPosition(SBIN, 10);
      engine.setTradingState('REDUCING');
      expect(engine.check(sell(10))).toEqual({ accepted: true });
      expectReason(engine.check(sell(11)), 'TRADING_REDUCING');
      expectReason(engine.check(buy(1)), 'TRADING_REDUCING');
    });

    it('counts resting orders on the same side: two exits cannot together flip the position', () => {
      const { engine, view } = setup();
      view.setPosition(SBIN, 10);
      view.orders = [{ symbol: SBIN, side: 'SELL', remainingQuantity: 6 }];
      expect(engine.isReducing(sell(4))).toBe(true);
      expect(engine.isReducing(sell(5))).toBe(false);
    });

    it('resumes at once when set back to ACTIVE', () => {
      const { engine } = setup();
      engine.setTradingState('HALTED');
      engine.setTradingState('ACTIVE');
      expect(engine.check(buy(1)).accepted).toBe(true);
    });
  });

  describe('order validation', () => {
    it.each([0, -5, 1.5])('refuses quantity %p', (q) => {
      expectReason(setup().engine.check(buy(q)), 'ZERO_QUANTITY');
    });

    it('refuses an unknown instrument', () => {
      expectReason(setup().engine.check(buy(1, { symbol: 'NSE:NOPE-EQ' })), 'UNKNOWN_INSTRUMENT');
    });

    it('refuses a quantity that is not a lot multiple and accepts whole lots', () => {
      const { engine } = setup({
        maxPositionNotionalPaise: 0,
        maxOrderNotionalPaise: 0,
        maxGrossExposurePaise: 0,
        maxNetExposurePaise: 0,
      });
      expectReason(engine.check(buy(100, { symbol: NIFTY_FUT })), 'LOT_SIZE');
      expect(engine.check(buy(150, { symbol: NIFTY_FUT })).accepted).toBe(true);
    });

    it('refuses a LIMIT without a price, an SL-M without a trigger and a price off the tick grid', () => {
      const { engine } = setup();
      expectReason(engine.check(buy(1, { type: 'LIMIT' })), 'INVALID_PRICE');
      expectReason(engine.check(buy(1, { type: 'SL-M' })), 'INVALID_PRICE');
      expectReason(engine.check(buy(1, { type: 'LIMIT', pricePaise: -100 })), 'INVALID_PRICE');
      expectReason(engine.check(buy(1, { type: 'LIMIT', pricePaise: 800_03 })), 'TICK_SIZE');
      expect(engine.check(buy(1, { type: 'LIMIT', pricePaise: 800_05 })).accepted).toBe(true);
    });
  });

  describe('market hours and square-off', () => {
    it('refuses every order while the calendar says the segment is closed', () => {
      const calls: string[] = [];
      const calendar: MarketHours = { isOpen: (segment) => (calls.push(segment), segment !== 'equity') };
      const { engine, view } = setup({}, calendar);
      view.setPosition(SBIN, 5);
      expectReason(engine.check(sell(5)), 'MARKET_CLOSED');
      expect(calls).toContain('equity');
    });

    it('refuses new intraday entries from SQUARE_OFF_TIME IST but lets exits and delivery through', () => {
      const { engine, view, clock } = setup({ squareOffTime: '15:15' });
      clock.set(Date.UTC(2025, 0, 6, 9, 44)); // 15:14 IST
      view.ticks.set(SBIN, { pricePaise: 800_00, time: clock.now() });
      expect(engine.check(buy(1)).accepted).toBe(true);
      clock.set(Date.UTC(2025, 0, 6, 9, 45)); // 15:15 IST
      view.ticks.set(SBIN, { pricePaise: 800_00, time: clock.now() });
      expectReason(engine.check(buy(1)), 'SQUARE_OFF_CUTOFF');
      expect(engine.check(buy(1, { product: 'DELIVERY' })).accepted).toBe(true);
      view.setPosition(SBIN, 5);
      expect(engine.check(sell(5)).accepted).toBe(true);
    });

    it('without the intraday cutoff (an always-open simulator) accepts intraday entries late in the day', () => {
      const clock = new ManualClock(Date.UTC(2025, 0, 6, 14, 0)); // 19:30 IST
      const view = new FakeRiskView().addInstrument(SBIN, 800_00, clock.now());
      const make = (intradayCutoff?: boolean) =>
        new RiskEngine({
          view,
          clock,
          intradayCutoff,
          limits: { maxOrdersPerSecond: 0, squareOffTime: '15:15' },
        });
      expectReason(make().check(buy(1)), 'SQUARE_OFF_CUTOFF');
      expect(make(false).check(buy(1)).accepted).toBe(true);
    });
  });

  describe('market data', () => {
    it('refuses an entry with no price', () => {
      const { engine, view } = setup();
      view.ticks.delete(SBIN);
      expectReason(engine.check(buy(1)), 'NO_PRICE');
    });

    it('refuses an entry on a stale tick but still allows the exit', () => {
      const { engine, view, clock } = setup({ staleTickSeconds: 10 });
      clock.advance(10_000);
      expect(engine.check(buy(1)).accepted).toBe(true);
      clock.advance(1);
      expectReason(engine.check(buy(1)), 'STALE_DATA');
      view.setPosition(SBIN, 3);
      expect(engine.check(sell(3)).accepted).toBe(true);
    });

    it('refuses a limit price outside the band around LTP in either direction', () => {
      const { engine } = setup({ priceBandPercent: 5 });
      expect(engine.check(buy(1, { type: 'LIMIT', pricePaise: 840_00 })).accepted).toBe(true);
      expectReason(engine.check(buy(1, { type: 'LIMIT', pricePaise: 840_05 })), 'PRICE_BAND');
      expectReason(engine.check(sell(1, { type: 'LIMIT', pricePaise: 759_95 })), 'PRICE_BAND');
    });
  });

  describe('fat finger', () => {
    it('refuses an order above the quantity cap', () => {
      expectReason(setup({ maxOrderQuantity: 100 }).engine.check(buy(101)), 'MAX_ORDER_QUANTITY');
    });

    it('values a market order at LTP and a limit at its price against the notional cap', () => {
      const { engine } = setup({ maxOrderNotionalPaise: 80_000_00, maxPositionNotionalPaise: 0 });
      expect(engine.check(buy(100)).accepted).toBe(true); // 100 x 800 = 80,000
      expectReason(engine.check(buy(101)), 'MAX_ORDER_NOTIONAL');
      expectReason(engine.check(buy(100, { type: 'LIMIT', pricePaise: 800_05 })), 'MAX_ORDER_NOTIONAL');
    });
  });

  describe('losses', () => {
    it('stops entries at the daily loss limit, not exits', () => {
      const { engine, view } = setup({ maxDailyLossPaise: 5_000_00 });
      view.dayPnl = -4_999_99;
      expect(engine.check(buy(1)).accepted).toBe(true);
      view.dayPnl = -5_000_00;
      expectReason(engine.check(buy(1)), 'MAX_DAILY_LOSS');
      view.setPosition(SBIN, 1);
      expect(engine.check(sell(1)).accepted).toBe(true);
    });

    it('stops entries at the drawdown limit from peak equity', () => {
      const { engine, view } = setup({ maxDrawdownPercent: 10, maxDailyLossPaise: 0 });
      view.peak = 1_000_000_00;
      view.equity = 900_000_01;
      expect(engine.check(buy(1)).accepted).toBe(true);
      view.equity = 900_000_00;
      expectReason(engine.check(buy(1)), 'MAX_DRAWDOWN');
    });

    it('cools down after consecutive losing exits, then lets entries through again', () => {
      const { engine, view, clock } = setup({ lossCooldownCount: 3, lossCooldownSeconds: 600 });
      view.streak = { count: 2, lastLossAt: T0 };
      expect(engine.check(buy(1)).accepted).toBe(true);
      view.streak = { count: 3, lastLossAt: T0 };
      expectReason(engine.check(buy(1)), 'LOSS_COOLDOWN');
      clock.advance(600_000);
      view.ticks.set(SBIN, { pricePaise: 800_00, time: clock.now() });
      expect(engine.check(buy(1)).accepted).toBe(true);
    });

    it('applies per-strategy loss and trade-count limits, with per-strategy overrides', () => {
      const { engine, view } = setup({
        strategyMaxDailyLossPaise: 1_000_00,
        strategyMaxTradesPerDay: 5,
        strategyOverrides: { scalper: { maxTradesPerDay: 50 } },
      });
      view.strategy.set('sma', { dayPnlPaise: -1_000_00, tradesToday: 0 });
      expectReason(engine.check(buy(1, { strategyId: 'sma' })), 'STRATEGY_DAILY_LOSS');
      view.strategy.set('rsi', { dayPnlPaise: 0, tradesToday: 4 });
      expect(engine.check(buy(1, { strategyId: 'rsi' })).accepted).toBe(true);
      view.orders = [
        { symbol: 'NSE:TCS-EQ', side: 'BUY', remainingQuantity: 1, pricePaise: 100, strategyId: 'rsi' },
      ];
      expectReason(engine.check(buy(1, { strategyId: 'rsi' })), 'STRATEGY_TRADE_COUNT');
      view.strategy.set('scalper', { dayPnlPaise: 0, tradesToday: 20 });
      expect(engine.check(buy(1, { strategyId: 'scalper' })).accepted).toBe(true);
    });
  });

  describe('exposure', () => {
    it('refuses an order that takes the position notional over MAX_POSITION_SIZE, counting the held position', () => {
      const { engine, view } = setup({ maxPositionNotionalPaise: 100_000_00 });
      view.setPosition(SBIN, 100); // 80,000
      expect(engine.check(buy(25)).accepted).toBe(true); // 100,000
      expectReason(engine.check(buy(26)), 'MAX_POSITION_SIZE');
    });

    it('counts resting orders that add to the position', () => {
      const { engine, view } = setup({ maxPositionNotionalPaise: 100_000_00 });
      view.orders = [{ symbol: SBIN, side: 'BUY', remainingQuantity: 120, pricePaise: 800_00 }];
      expectReason(engine.check(buy(6)), 'MAX_POSITION_SIZE');
    });

    it('refuses a new instrument beyond max open positions but allows adding to an open one', () => {
      const { engine, view, clock } = setup({ maxOpenPositions: 2 });
      view
        .addInstrument('NSE:TCS-EQ', 4_000_00, clock.now())
        .addInstrument('NSE:INFY-EQ', 1_900_00, clock.now());
      view.setPosition('NSE:TCS-EQ', 1).setPosition('NSE:INFY-EQ', -1);
      expectReason(engine.check(buy(1)), 'MAX_OPEN_POSITIONS');
      expect(engine.check(buy(1, { symbol: 'NSE:TCS-EQ' })).accepted).toBe(true);
    });

    it('caps gross exposure across instruments (longs and shorts add up)', () => {
      const { engine, view, clock } = setup({
        maxGrossExposurePaise: 200_000_00,
        maxPositionNotionalPaise: 0,
      });
      view.addInstrument('NSE:TCS-EQ', 4_000_00, clock.now());
      view.setPosition('NSE:TCS-EQ', -30); // 120,000 short
      expect(engine.check(buy(100)).accepted).toBe(true); // +80,000 = 200,000
      expectReason(engine.check(buy(101)), 'MAX_GROSS_EXPOSURE');
    });

    it('caps net exposure: an offsetting short passes where another long would not', () => {
      const { engine, view, clock } = setup({
        maxNetExposurePaise: 100_000_00,
        maxGrossExposurePaise: 0,
        maxPositionNotionalPaise: 0,
      });
      view.addInstrument('NSE:TCS-EQ', 4_000_00, clock.now());
      view.setPosition('NSE:TCS-EQ', 20); // 80,000 long
      expectReason(engine.check(buy(26)), 'MAX_NET_EXPOSURE'); // 80,000 + 20,800
      expect(engine.check(sell(200)).accepted).toBe(true); // 80,000 - 160,000 = -80,000
    });
  });

  describe('order rate', () => {
    it('allows maxOrdersPerSecond in any rolling second and refuses the next', () => {
      const { engine, clock, rejected } = setup({ maxOrdersPerSecond: 3 });
      for (let i = 0; i < 3; i++) expect(engine.check(buy(1)).accepted).toBe(true);
      expectReason(engine.check(buy(1)), 'ORDER_RATE');
      clock.advance(999);
      expectReason(engine.check(buy(1)), 'ORDER_RATE');
      clock.advance(1);
      expect(engine.check(buy(1)).accepted).toBe(true);
      expect(rejected).toEqual(['ORDER_RATE', 'ORDER_RATE']);
    });

    it('does not spend a slot on a dry run or a refused order', () => {
      const { engine } = setup({ maxOrdersPerSecond: 1 });
      expect(engine.check(buy(1), { dryRun: true }).accepted).toBe(true);
      expectReason(engine.check(buy(0)), 'ZERO_QUANTITY');
      expect(engine.check(buy(1)).accepted).toBe(true);
      expect(engine.ordersInLastSecond()).toBe(1);
    });
  });

  describe('limits', () => {
    it('updates limits in place and refuses invalid ones without changing anything', () => {
      const { engine } = setup({ maxOrderQuantity: 100 });
      expect(() => engine.setLimits({ maxOrderQuantity: -1, squareOffTime: '25:00' })).toThrow(
        /maxOrderQuantity, squareOffTime/,
      );
      expect(engine.getLimits().maxOrderQuantity).toBe(100);
      engine.setLimits({ maxOrderQuantity: 5 });
      expectReason(engine.check(buy(6)), 'MAX_ORDER_QUANTITY');
    });

    it('treats a limit of 0 as switched off', () => {
      const { engine } = setup({
        maxOrderQuantity: 0,
        maxOrderNotionalPaise: 0,
        maxPositionNotionalPaise: 0,
        maxGrossExposurePaise: 0,
        maxNetExposurePaise: 0,
      });
      expect(engine.check(buy(1_000_000)).accepted).toBe(true);
    });
  });
});
