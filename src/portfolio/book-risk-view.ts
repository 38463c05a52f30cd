/**
 * A RiskView over a PositionBook: what the backtester and the portfolio service hand to the risk
 * engine. Equity is starting capital plus the book's net P&L unless the caller supplies it (live funds).
 */
import type { Paise } from '@/common/money';
import type {
  InstrumentSpec,
  LastTick,
  LossStreak,
  OpenOrderView,
  PositionView,
  RiskView,
  StrategyDayStats,
} from '@/risk/risk-types';
import type { PositionBook } from './position-book';

export interface BookRiskViewOptions {
  book: PositionBook;
  instrument: (symbol: string) => InstrumentSpec | undefined;
  /** Capital before any P&L in this book (cash at the start). */
  startingEquityPaise: Paise;
  /** Overrides `starting + net P&L` (e.g. the broker's funds in live mode). */
  equity?: () => Paise;
  openOrders?: () => readonly OpenOrderView[];
  /** Latest tick per instrument; defaults to the book's last mark (backtests mark with candle closes). */
  lastTick?: (symbol: string) => LastTick | undefined;
}

const NO_ORDERS: readonly OpenOrderView[] = Object.freeze([]);

export class BookRiskView implements RiskView {
  private peak: Paise;

  constructor(private readonly opts: BookRiskViewOptions) {
    this.peak = opts.startingEquityPaise;
  }

  instrument(symbol: string): InstrumentSpec | undefined {
    return this.opts.instrument(symbol);
  }

  positionQuantity(symbol: string): number {
    return this.opts.book.quantity(symbol);
  }

  positions(): readonly PositionView[] {
    return this.opts.book.openLedgers().map((p) => ({
      symbol: p.symbol,
      quantity: p.quantity,
      markPaise: p.markPaise ?? Math.round(p.costPaise / Math.abs(p.quantity)),
    }));
  }

  openOrders(): readonly OpenOrderView[] {
    return this.opts.openOrders?.() ?? NO_ORDERS;
  }

  lastTick(symbol: string): LastTick | undefined {
    if (this.opts.lastTick) return this.opts.lastTick(symbol);
    const m = this.opts.book.lastMark(symbol);
    return m && { pricePaise: m.pricePaise, time: m.time ?? Number.NEGATIVE_INFINITY };
  }

  /** Current equity; every reading also raises the peak it is compared against. */
  equityPaise(): Paise {
    const e = this.opts.equity
      ? this.opts.equity()
      : this.opts.startingEquityPaise + this.opts.book.totals().netPaise;
    if (e > this.peak) this.peak = e;
    return e;
  }

  peakEquityPaise(): Paise {
    this.equityPaise();
    return this.peak;
  }

  /** Restores the peak after a restart (from the equity snapshots). */
  setPeakEquity(peak: Paise): void {
    this.peak = Math.max(this.peak, peak);
  }

  dayPnlPaise(): Paise {
    return this.opts.book.dayPnl().netPaise;
  }

  lossStreak(): LossStreak {
    return this.opts.book.lossStreak();
  }

  strategyStats(strategyId: string): StrategyDayStats {
    return {
      dayPnlPaise: this.opts.book.strategyDayPnlPaise(strategyId),
      tradesToday: this.opts.book.strategyTradesToday(strategyId),
    };
  }
}
