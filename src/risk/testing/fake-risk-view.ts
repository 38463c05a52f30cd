/** A mutable in-memory RiskView for specs of the risk engine, the executor and the orders module. */
import type { Paise } from '@/common/money';
import type {
  InstrumentSpec,
  LastTick,
  LossStreak,
  OpenOrderView,
  PositionView,
  RiskView,
  StrategyDayStats,
} from '../risk-types';

export class FakeRiskView implements RiskView {
  instruments = new Map<string, InstrumentSpec>();
  quantities = new Map<string, number>();
  ticks = new Map<string, LastTick>();
  orders: OpenOrderView[] = [];
  equity: Paise = 1_000_000_00;
  peak: Paise = 1_000_000_00;
  dayPnl: Paise = 0;
  streak: LossStreak = { count: 0, lastLossAt: null };
  strategy = new Map<string, StrategyDayStats>();

  /** Adds an NSE equity with tick size 5 paise and a fresh tick. */
  addInstrument(symbol: string, pricePaise: Paise, time: number, spec: Partial<InstrumentSpec> = {}): this {
    this.instruments.set(symbol, { exchange: 'NSE', lotSize: 1, tickSizePaise: 5, ...spec });
    this.ticks.set(symbol, { pricePaise, time });
    return this;
  }

  setPosition(symbol: string, quantity: number): this {
    this.quantities.set(symbol, quantity);
    return this;
  }

  instrument(symbol: string): InstrumentSpec | undefined {
    return this.instruments.get(symbol);
  }
  positionQuantity(symbol: string): number {
    return this.quantities.get(symbol) ?? 0;
  }
  positions(): readonly PositionView[] {
    const out: PositionView[] = [];
    for (const [symbol, quantity] of this.quantities) {
      if (quantity !== 0) out.push({ symbol, quantity, markPaise: this.ticks.get(symbol)?.pricePaise ?? 0 });
    }
    return out;
  }
  openOrders(): readonly OpenOrderView[] {
    return this.orders;
  }
  lastTick(symbol: string): LastTick | undefined {
    return this.ticks.get(symbol);
  }
  equityPaise(): Paise {
    return this.equity;
  }
  peakEquityPaise(): Paise {
    return this.peak;
  }
  dayPnlPaise(): Paise {
    return this.dayPnl;
  }
  lossStreak(): LossStreak {
    return this.streak;
  }
  strategyStats(strategyId: string): StrategyDayStats {
    return this.strategy.get(strategyId) ?? { dayPnlPaise: 0, tradesToday: 0 };
  }
}
