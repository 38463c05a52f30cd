import type { TradingState } from '@/domain/execution';

/**
 * `risk.state`: emitted by the risk module whenever the trading state or the kill switch changes.
 * Declared here by declaration merging so the alerting module can subscribe before the risk module lands;
 * the risk module should import and emit this type rather than redeclare the event.
 */
export interface RiskStateEvent {
  state: TradingState;
  previous?: TradingState;
  /** True while the kill switch is engaged (it forces HALTED). */
  killSwitch: boolean;
  /** Why it changed: `KILL_SWITCH`, `MAX_DAILY_LOSS`, `MAX_DRAWDOWN`, `OPERATOR`... */
  reason?: string;
  /** Username or `system`. */
  actor?: string;
  /** Epoch ms UTC. */
  at: number;
}

declare module '@/common/event-bus' {
  interface PlatformEvents {
    'risk.state': RiskStateEvent;
  }
}
