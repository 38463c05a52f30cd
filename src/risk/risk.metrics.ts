import { counter, gauge } from '@/monitoring/metrics';
import type { TradingState } from '@/domain/execution';

export const riskMetrics = {
  rejections: counter({
    name: 'trading_bot_risk_rejections_total',
    help: 'Pre-trade risk refusals by strategy instance (or manual) and reason',
    labelNames: ['strategy', 'reason'] as const,
  }),
  tradingState: gauge({
    name: 'trading_bot_trading_state',
    help: '1 for the current trading state (ACTIVE, REDUCING, HALTED)',
    labelNames: ['state'] as const,
  }),
  killSwitch: counter({
    name: 'trading_bot_kill_switch_total',
    help: 'Kill-switch actions by action and trigger (manual, daily_loss, drawdown, broker_errors, unknown_order, stale_feed, square_off)',
    labelNames: ['action', 'trigger'] as const,
  }),
  killSwitchEngaged: gauge({
    name: 'trading_bot_kill_switch_engaged',
    help: '1 while trading is HALTED (kill switch engaged, by an operator or a breaker)',
  }),
  squareOffs: counter({
    name: 'trading_bot_square_off_runs_total',
    help: 'Automatic square-off runs of INTRADAY positions',
  }),
};

export function setTradingStateMetric(state: TradingState): void {
  for (const s of ['ACTIVE', 'REDUCING', 'HALTED'] as const)
    riskMetrics.tradingState.set({ state: s }, s === state ? 1 : 0);
  riskMetrics.killSwitchEngaged.set(state === 'HALTED' ? 1 : 0);
}
