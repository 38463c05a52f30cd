import { counter, gauge } from '@/monitoring/metrics';
import type { BookRiskView } from './book-risk-view';
import type { PositionBook } from './position-book';

/** Account-level P&L and exposure, refreshed with every equity snapshot (once a minute) and on fills. */
export const portfolioMetrics = {
  fills: counter({ name: 'trading_bot_portfolio_fills_total', help: 'Fills applied to the portfolio' }),
  realised: gauge({
    name: 'trading_bot_pnl_realised_paise',
    help: 'Realised P&L of the account, all time, paise',
  }),
  unrealised: gauge({
    name: 'trading_bot_pnl_unrealised_paise',
    help: 'Unrealised P&L of open positions at the last tick, paise',
  }),
  day: gauge({ name: 'trading_bot_pnl_day_paise', help: 'Day P&L net of charges, paise' }),
  equity: gauge({ name: 'trading_bot_equity_paise', help: 'Account equity, paise' }),
  drawdown: gauge({ name: 'trading_bot_drawdown_ratio', help: 'Drawdown from peak equity, 0..1' }),
  grossExposure: gauge({ name: 'trading_bot_gross_exposure_paise', help: 'Sum of |position value|, paise' }),
  netExposure: gauge({
    name: 'trading_bot_net_exposure_paise',
    help: 'Long minus short position value, paise',
  }),
  openPositions: gauge({ name: 'trading_bot_open_positions', help: 'Instruments with a non-zero position' }),
};

const maxDrawdown = gauge({
  name: 'trading_bot_drawdown_max_ratio',
  help: 'Largest drawdown from peak equity in the stored equity history and since start, 0..1',
});
const positionQuantity = gauge({
  name: 'trading_bot_position_quantity',
  help: 'Net open quantity per instrument (negative = short); only instruments with an open position',
  labelNames: ['instrument'] as const,
});
const positionValue = gauge({
  name: 'trading_bot_position_value_paise',
  help: 'Marked value of the open position per instrument, paise (negative = short)',
  labelNames: ['instrument'] as const,
});
const strategyRealised = gauge({
  name: 'trading_bot_strategy_pnl_realised_paise',
  help: 'Realised P&L per strategy instance (manual = orders without one), all time, paise',
  labelNames: ['strategy'] as const,
});
const strategyUnrealised = gauge({
  name: 'trading_bot_strategy_pnl_unrealised_paise',
  help: 'Unrealised P&L of open positions per strategy instance, paise',
  labelNames: ['strategy'] as const,
});
const strategyDay = gauge({
  name: 'trading_bot_strategy_pnl_day_paise',
  help: "Today's net P&L per strategy instance, paise",
  labelNames: ['strategy'] as const,
});

let worstDrawdown = 0;
/** Instruments with a published position, so closed ones are removed and the label set stays bounded. */
const published = new Set<string>();

let seeded = false;

/** Seeds the maximum drawdown once from the stored equity history, so a restart does not forget it. */
export async function seedMaxDrawdown(db: { query(sql: string): Promise<unknown> }): Promise<void> {
  if (seeded) return;
  seeded = true;
  try {
    const rows = (await db.query(
      `SELECT MAX((peak_equity_paise - equity_paise)::float8 / NULLIF(peak_equity_paise, 0)) AS dd
       FROM equity_snapshots`,
    )) as { dd: number | string | null }[];
    const ratio = Number(rows[0]?.dd ?? 0);
    if (Number.isFinite(ratio) && ratio > worstDrawdown) worstDrawdown = ratio;
  } catch {
    seeded = false; // try again with the next snapshot
  }
  maxDrawdown.set(worstDrawdown);
}

export interface PortfolioFigures {
  realisedPaise: number;
  unrealisedPaise: number;
  dayPaise: number;
  equityPaise: number;
  peakEquityPaise: number;
  positions: readonly { symbol: string; quantity: number; markPaise: number }[];
  strategies: readonly { id: string; realisedPaise: number; unrealisedPaise: number; dayPaise: number }[];
}

/** Sets every account gauge from one reading; returns gross and net exposure (paise) for the snapshot row. */
export function publishPortfolioMetrics(f: PortfolioFigures): { gross: number; net: number } {
  let gross = 0;
  let net = 0;
  const open = new Set<string>();
  for (const p of f.positions) {
    const value = p.quantity * p.markPaise;
    gross += Math.abs(value);
    net += value;
    open.add(p.symbol);
    positionQuantity.set({ instrument: p.symbol }, p.quantity);
    positionValue.set({ instrument: p.symbol }, value);
  }
  for (const s of published) {
    if (open.has(s)) continue;
    positionQuantity.remove({ instrument: s });
    positionValue.remove({ instrument: s });
    published.delete(s);
  }
  for (const s of open) published.add(s);
  const drawdown =
    f.peakEquityPaise > 0 ? Math.max(0, (f.peakEquityPaise - f.equityPaise) / f.peakEquityPaise) : 0;
  worstDrawdown = Math.max(worstDrawdown, drawdown);
  portfolioMetrics.realised.set(f.realisedPaise);
  portfolioMetrics.unrealised.set(f.unrealisedPaise);
  portfolioMetrics.day.set(f.dayPaise);
  portfolioMetrics.equity.set(f.equityPaise);
  portfolioMetrics.drawdown.set(drawdown);
  maxDrawdown.set(worstDrawdown);
  portfolioMetrics.grossExposure.set(gross);
  portfolioMetrics.netExposure.set(net);
  portfolioMetrics.openPositions.set(f.positions.length);
  for (const s of f.strategies) {
    const strategy = s.id || 'manual';
    strategyRealised.set({ strategy }, s.realisedPaise);
    strategyUnrealised.set({ strategy }, s.unrealisedPaise);
    strategyDay.set({ strategy }, s.dayPaise);
  }
  return { gross, net };
}

/** One reading of the account book (positions at their last mark, P&L in total, today and per strategy). */
export function portfolioFigures(account: PositionBook, view: BookRiskView): PortfolioFigures {
  const totals = account.totals();
  return {
    realisedPaise: totals.realisedPaise,
    unrealisedPaise: totals.unrealisedPaise,
    dayPaise: account.dayPnl().netPaise,
    equityPaise: view.equityPaise(),
    peakEquityPaise: view.peakEquityPaise(),
    positions: view.positions(),
    strategies: account.strategies().map((id) => {
      const t = account.strategyTotals(id);
      return {
        id,
        realisedPaise: t.realisedPaise,
        unrealisedPaise: t.unrealisedPaise,
        dayPaise: account.strategyDayPnlPaise(id),
      };
    }),
  };
}
