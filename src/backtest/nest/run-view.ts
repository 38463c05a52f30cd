/** Stored runs (paise, epoch ms) as the API shows them: rupees and ISO-8601 UTC, as in docs/backtesting.md. */
import { paiseToRupeeNumber, paiseToRupees } from '@/common/money';
import type { BacktestRunEntity } from '@/backtest/backtest-run.entity';
import { metricsToJson } from '@/backtest/result-json';
import type { BacktestRunDto, EquityPointDto, TradeDto } from '@/backtest/backtest-results.dto';
import type { OptimizationRunDto } from '@/backtest/optimizations.dto';
import type { StoredEquityPoint, StoredRunSpec, StoredTrade } from '@/backtest/nest/run.types';

const iso = (t: number): string => new Date(t).toISOString();
const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);
/** Average prices may be fractional paise: shown to 4 decimals of a rupee. */
const price = (p: number): number => Math.round(p * 100) / 10_000;

export function specView(spec: StoredRunSpec): Record<string, unknown> {
  const { capitalPaise, tickSizePaise, ...rest } = spec.backtest;
  const source =
    spec.source.kind === 'stored'
      ? { kind: 'stored', from: iso(spec.source.from), to: iso(spec.source.to) }
      : spec.source;
  return {
    ...rest,
    capital: paiseToRupees(capitalPaise),
    ...(tickSizePaise !== undefined ? { tickSize: paiseToRupees(tickSizePaise) } : {}),
    source,
    ...(spec.optimization ? { optimization: spec.optimization } : {}),
  };
}

export function runView(r: BacktestRunEntity): BacktestRunDto {
  return {
    id: r.id,
    kind: r.kind,
    userId: r.userId,
    status: r.status,
    progress: r.progress,
    spec: specView(r.spec),
    metrics: r.metrics ? metricsToJson(r.metrics) : null,
    errorCode: r.errorCode,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: isoOrNull(r.startedAt),
    finishedAt: isoOrNull(r.finishedAt),
  };
}

export function tradeView(t: StoredTrade): TradeDto {
  return {
    entryTime: iso(t.entryTime),
    exitTime: iso(t.exitTime),
    side: t.side,
    quantity: t.quantity,
    entryPrice: price(t.entryPricePaise),
    exitPrice: price(t.exitPricePaise),
    pnl: paiseToRupeeNumber(t.pnlPaise),
    charges: paiseToRupeeNumber(t.chargesPaise),
    grossPnl: paiseToRupeeNumber(t.grossPnlPaise),
    exitReason: t.exitReason,
  };
}

export function equityView(p: StoredEquityPoint): EquityPointDto {
  return { time: iso(p.t), equity: paiseToRupeeNumber(p.equityPaise), drawdown: p.drawdown };
}

export function optimizationView(r: BacktestRunEntity): OptimizationRunDto {
  const base = runView(r);
  const o = r.optimization;
  if (!o) return base;
  if (o.method !== 'walk-forward') return { ...base, candidates: o.candidates };
  return {
    ...base,
    windows: o.windows.map((w) => ({
      inSample: [iso(w.inSample[0]), iso(w.inSample[1])],
      outOfSample: [iso(w.outOfSample[0]), iso(w.outOfSample[1])],
      best: w.best,
      inSampleScore: w.inSampleScore,
      outOfSampleScore: w.outOfSampleScore,
      outOfSampleMetrics: w.outOfSampleMetrics ? metricsToJson(w.outOfSampleMetrics) : null,
    })),
    equity: o.equity.map(equityView),
  };
}
