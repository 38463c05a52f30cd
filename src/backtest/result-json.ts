/** The JSON form of a backtest result (docs/backtesting.md): times ISO-8601 UTC, money in rupees. */
import { paiseToRupeeNumber } from '@/common/money';
import type { Interval } from '@/domain/market';
import type { BacktestResult } from '@/backtest/backtest.types';
import { drawdownSeries, type BacktestMetrics } from '@/backtest/metrics';

export interface JsonTrade {
  entryTime: string;
  exitTime: string;
  side: 'LONG' | 'SHORT';
  quantity: number;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
  charges: number;
  grossPnl: number;
  exitReason: string;
}

export interface JsonEquityPoint {
  time: string;
  equity: number;
  drawdown: number;
}

export interface JsonResult {
  symbol: string;
  interval: Interval;
  strategy: string;
  params: object;
  from: string;
  to: string;
  bars: number;
  metrics: Record<string, number | null>;
  trades: JsonTrade[];
  equity: JsonEquityPoint[];
}

const RUPEE_METRICS = new Set([
  'startingCapitalPaise',
  'finalEquityPaise',
  'netProfitPaise',
  'expectancyPaise',
  'avgWinPaise',
  'avgLossPaise',
  'totalChargesPaise',
]);

/** Metrics with paise fields renamed and converted to rupees (`netProfitPaise` -> `netProfit`). */
export function metricsToJson(m: BacktestMetrics): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(m) as [string, number | null][]) {
    if (RUPEE_METRICS.has(k)) out[k.replace(/Paise$/, '')] = v === null ? null : Math.round(v) / 100;
    else out[k] = v;
  }
  return out;
}

const iso = (t: number): string => new Date(t).toISOString();
const rupees = (p: number): number => Math.round(p * 100) / 10_000;

/** Equity sampled to at most `maxPoints` (0 = every bar), always keeping each bucket's deepest drawdown. */
export function equityPoints(r: BacktestResult, maxPoints = 5000): JsonEquityPoint[] {
  const dd = drawdownSeries(r.equity, r.capitalPaise);
  const n = r.equity.length;
  const stride = maxPoints > 0 && n > maxPoints ? Math.ceil(n / maxPoints) : 1;
  const out: JsonEquityPoint[] = [];
  for (let i = 0; i < n; i += stride) {
    let k = Math.min(i + stride, n) - 1;
    for (let j = i; j < Math.min(i + stride, n); j++) if (dd[j] < dd[k]) k = j;
    out.push({
      time: iso(r.equityTimes[k]),
      equity: paiseToRupeeNumber(Math.round(r.equity[k])),
      drawdown: dd[k],
    });
  }
  return out;
}

export function resultToJson(r: BacktestResult, maxEquityPoints = 5000): JsonResult {
  return {
    symbol: r.symbol,
    interval: r.interval,
    strategy: r.strategyId,
    params: r.params,
    from: r.bars ? iso(r.startTime) : '',
    to: r.bars ? iso(r.endTime) : '',
    bars: r.bars,
    metrics: metricsToJson(r.metrics),
    trades: r.trades.map((t) => ({
      entryTime: iso(t.entryTime),
      exitTime: iso(t.exitTime),
      side: t.side,
      quantity: t.quantity,
      entryPrice: rupees(t.entryPricePaise),
      exitPrice: rupees(t.exitPricePaise),
      pnl: paiseToRupeeNumber(t.pnlPaise),
      charges: paiseToRupeeNumber(t.chargesPaise),
      grossPnl: paiseToRupeeNumber(t.grossPnlPaise),
      exitReason: t.exitReason,
    })),
    equity: equityPoints(r, maxEquityPoints),
  };
}
