/**
 * Backtest metrics. Definitions (also in docs/backtesting.md):
 * - Daily returns: equity at the last bar of each IST trading day, r_d = E_d / E_{d-1} - 1, with E_0 the
 *   starting capital. Annualisation uses 252 trading days, whatever the bar interval.
 * - totalReturn = E_end / capital - 1. CAGR = (E_end / capital)^(1 / years) - 1, years = (last bar close
 *   - first bar open) / 365.25 days; null for a span under one day (it would explode).
 * - annualVolatility = sample stdev(r) x sqrt(252). sharpe = (mean(r) - rf/252) / stdev(r) x sqrt(252).
 *   sortino = (mean(r) - rf/252) / sqrt(mean(min(0, r - rf/252)^2)) x sqrt(252). calmar = CAGR / maxDrawdown.
 * - maxDrawdown: the largest fall from a running equity peak (starting at the capital), as a fraction of the
 *   peak, on bar closes. maxDrawdownDuration: the longest time from a peak until equity regained it (or the
 *   end of data), in ms and in bars.
 * - Trades: win = net P&L > 0. winRate = wins / trades. profitFactor = sum of winning net P&L / |sum of losing
 *   net P&L| (null without losses). expectancy = mean net P&L per trade. avgWin / avgLoss over winners / losers.
 * - exposure = bars ending with an open position / bars. Every ratio that is undefined is null, never NaN.
 */
import type { Paise } from '@/common/money';
import type { BacktestTrade } from '@/backtest/book';
import { istDay } from '@/backtest/csv-candles';

export interface BacktestMetrics {
  startingCapitalPaise: Paise;
  finalEquityPaise: Paise;
  netProfitPaise: Paise;
  totalReturn: number;
  cagr: number | null;
  annualVolatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdown: number;
  maxDrawdownDurationMs: number;
  maxDrawdownDurationBars: number;
  winRate: number | null;
  profitFactor: number | null;
  expectancyPaise: number | null;
  avgWinPaise: number | null;
  avgLossPaise: number | null;
  exposure: number;
  tradeCount: number;
  totalChargesPaise: Paise;
  tradingDays: number;
}

export interface MetricsInput {
  /** Bar close times and equity at each close (paise). */
  times: Float64Array;
  equity: Float64Array;
  trades: readonly BacktestTrade[];
  capitalPaise: Paise;
  exposureBars: number;
  totalChargesPaise: Paise;
  riskFreeRate: number;
  /** First bar's open time; defaults to the first close time. */
  startTime?: number;
}

const DAYS_PER_YEAR = 252;
const YEAR_MS = 365.25 * 86_400_000;

export function dailyReturns(times: Float64Array, equity: Float64Array, capital: number): number[] {
  const out: number[] = [];
  let prev = capital;
  for (let i = 0; i < equity.length; i++) {
    const lastOfDay = i === equity.length - 1 || istDay(times[i + 1] - 1) !== istDay(times[i] - 1);
    if (!lastOfDay) continue;
    out.push(prev > 0 ? equity[i] / prev - 1 : 0);
    prev = equity[i];
  }
  return out;
}

export function drawdownSeries(equity: Float64Array, capital: number): Float64Array {
  const dd = new Float64Array(equity.length);
  let peak = capital;
  for (let i = 0; i < equity.length; i++) {
    if (equity[i] > peak) peak = equity[i];
    dd[i] = peak > 0 ? (equity[i] - peak) / peak : 0;
  }
  return dd;
}

export function computeMetrics(m: MetricsInput): BacktestMetrics {
  const { times, equity, trades, capitalPaise: capital } = m;
  const n = equity.length;
  const final = n > 0 ? equity[n - 1] : capital;
  const daily = dailyReturns(times, equity, capital);
  const rfDaily = m.riskFreeRate / DAYS_PER_YEAR;
  const mean = avg(daily) ?? 0;
  const sd = stdev(daily);
  const downside = daily.length
    ? Math.sqrt(daily.reduce((a, r) => a + Math.min(0, r - rfDaily) ** 2, 0) / daily.length)
    : 0;
  const ann = Math.sqrt(DAYS_PER_YEAR);

  let peak = capital;
  let peakIdx = -1;
  let maxDd = 0;
  let longestMs = 0;
  let longestBars = 0;
  const start = m.startTime ?? (n > 0 ? times[0] : 0);
  for (let i = 0; i < n; i++) {
    if (equity[i] >= peak) {
      peak = equity[i];
      peakIdx = i;
    } else {
      maxDd = Math.max(maxDd, (peak - equity[i]) / peak);
      const since = peakIdx < 0 ? start : times[peakIdx];
      longestMs = Math.max(longestMs, times[i] - since);
      longestBars = Math.max(longestBars, i - peakIdx);
    }
  }

  const spanMs = n > 0 ? times[n - 1] - start : 0;
  const cagr =
    spanMs >= 86_400_000 && capital > 0 && final > 0 ? (final / capital) ** (YEAR_MS / spanMs) - 1 : null;
  const pnls = trades.map((t) => t.pnlPaise);
  const wins = pnls.filter((p) => p > 0);
  const losses = pnls.filter((p) => p <= 0);
  const grossWin = wins.reduce((a, b) => a + b, 0);
  const grossLoss = losses.reduce((a, b) => a + b, 0);

  return {
    startingCapitalPaise: capital,
    finalEquityPaise: final,
    netProfitPaise: final - capital,
    totalReturn: capital > 0 ? final / capital - 1 : 0,
    cagr,
    annualVolatility: sd === null ? null : sd * ann,
    sharpe: sd ? ((mean - rfDaily) / sd) * ann : null,
    sortino: downside > 0 ? ((mean - rfDaily) / downside) * ann : null,
    calmar: cagr !== null && maxDd > 0 ? cagr / maxDd : null,
    maxDrawdown: maxDd,
    maxDrawdownDurationMs: longestMs,
    maxDrawdownDurationBars: longestBars,
    winRate: pnls.length ? wins.length / pnls.length : null,
    profitFactor: grossLoss < 0 ? grossWin / -grossLoss : null,
    expectancyPaise: avg(pnls),
    avgWinPaise: avg(wins),
    avgLossPaise: avg(losses),
    exposure: n ? m.exposureBars / n : 0,
    tradeCount: trades.length,
    totalChargesPaise: m.totalChargesPaise,
    tradingDays: daily.length,
  };
}

function avg(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

function stdev(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = avg(xs)!;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}
