/** Engine and optimiser results in their stored (paise) form. */
import type { BacktestResult } from '@/backtest/backtest.types';
import { INTERVAL_MS } from '@/backtest/csv-candles';
import { drawdownSeries } from '@/backtest/metrics';
import type { RankedCandidate, WalkForwardResult } from '@/backtest/optimizer';
import type { Candle } from '@/domain/market';
import type {
  StoredCandidate,
  StoredEquityPoint,
  StoredOptimization,
  StoredTrade,
  StoredWindow,
} from '@/backtest/nest/run.types';

export const MAX_EQUITY_POINTS = 5000;

/** -Infinity (no trades, over the cap, failed) and NaN become null: JSON has no infinities. */
const finite = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : v;

/** At most `max` points; each kept point is its bucket's deepest drawdown, so the worst fall survives. */
export function sampleEquity(
  times: ArrayLike<number>,
  equity: ArrayLike<number>,
  capitalPaise: number,
  max = MAX_EQUITY_POINTS,
): StoredEquityPoint[] {
  const eq = Float64Array.from(equity);
  const dd = drawdownSeries(eq, capitalPaise);
  const n = eq.length;
  const stride = n > max ? Math.ceil(n / max) : 1;
  const out: StoredEquityPoint[] = [];
  for (let i = 0; i < n; i += stride) {
    const end = Math.min(i + stride, n);
    let k = end - 1;
    for (let j = i; j < end; j++) if (dd[j] < dd[k]) k = j;
    out.push({ t: times[k], equityPaise: Math.round(eq[k]), drawdown: dd[k] });
  }
  return out;
}

export function storedTrades(r: BacktestResult): StoredTrade[] {
  return r.trades.map((t) => ({
    side: t.side,
    quantity: t.quantity,
    entryTime: t.entryTime,
    exitTime: t.exitTime,
    entryPricePaise: t.entryPricePaise,
    exitPricePaise: t.exitPricePaise,
    grossPnlPaise: t.grossPnlPaise,
    chargesPaise: t.chargesPaise,
    pnlPaise: t.pnlPaise,
    exitReason: t.exitReason,
    bars: t.bars,
  }));
}

export function storedRanking(ranked: RankedCandidate[]): StoredCandidate[] {
  return ranked.map((c) => ({
    rank: c.rank,
    params: c.params,
    inSample: finite(c.inSample),
    outOfSample: finite(c.outOfSample),
    degradation: finite(c.degradation),
    ...(c.error ? { error: c.error } : {}),
  }));
}

export function storedWalkForward(
  wf: WalkForwardResult,
  candles: readonly Candle[],
  capitalPaise: number,
): StoredOptimization {
  const n = candles.length;
  const step = n ? INTERVAL_MS[candles[0].interval] : 0;
  // Window bounds are bar indices; store instants, which survive a different candle set.
  const at = (i: number): number => (i < n ? candles[i].start : candles[n - 1].start + step);
  const windows: StoredWindow[] = wf.windows.map((w) => ({
    inSample: [at(w.inSample[0]), at(w.inSample[1])],
    outOfSample: [at(w.outOfSample[0]), at(w.outOfSample[1])],
    best: w.best,
    inSampleScore: finite(w.inSampleScore),
    outOfSampleScore: finite(w.outOfSampleScore),
    outOfSampleMetrics: w.outOfSampleMetrics ?? null,
  }));
  return {
    method: 'walk-forward',
    windows,
    equity: sampleEquity(wf.equityTimes, wf.equity, capitalPaise),
  };
}
