/** Prometheus figures of the strategies module (names from src/monitoring/metric-catalogue.ts). */
import type { Signal } from '@/domain/execution';
import { counter, gauge } from '@/monitoring/metrics';
import type { ClosedTrade, InstanceView } from '@/strategies/engine';

const signals = counter({
  name: 'trading_bot_strategy_signals_total',
  help: 'Signals emitted',
  labelNames: ['strategy', 'side'] as const,
});
const trades = counter({
  name: 'trading_bot_strategy_trades_total',
  help: 'Closed trades by result (win, loss, flat)',
  labelNames: ['strategy', 'result'] as const,
});
const winRate = gauge({
  name: 'trading_bot_strategy_win_rate_ratio',
  help: 'Winning closed trades / closed trades, 0..1',
  labelNames: ['strategy'] as const,
});
const sharpe = gauge({
  name: 'trading_bot_strategy_rolling_sharpe',
  help: 'Annualised Sharpe ratio over the rolling window of closed-trade returns',
  labelNames: ['strategy'] as const,
});
const losses = gauge({
  name: 'trading_bot_strategy_consecutive_losses',
  help: 'Losing closed trades in a row (0 after a win)',
  labelNames: ['strategy'] as const,
});

/** `strategy` is the instance id: a bounded set (the configured instances), as the orders metrics use. */
export function recordSignal(s: Signal): void {
  signals.inc({ strategy: s.strategyId ?? 'unknown', side: s.side });
}

export function recordTrade(strategy: string, t: ClosedTrade): void {
  trades.inc({ strategy, result: t.pnlPaise > 0 ? 'win' : t.pnlPaise < 0 ? 'loss' : 'flat' });
}

export function recordStatus(v: InstanceView): void {
  const m = v.metrics;
  if (m.winRate !== null) winRate.set({ strategy: v.id }, m.winRate);
  if (m.sharpe !== null) sharpe.set({ strategy: v.id }, m.sharpe);
  losses.set({ strategy: v.id }, m.consecutiveLosses);
}
