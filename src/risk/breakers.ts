/**
 * Automatic breakers: conditions that trip the kill switch by themselves. Pure evaluation; the
 * KillSwitchService runs it every few seconds and on the events that feed it.
 */
import type { Paise } from '@/common/money';
import type { RiskLimits } from './risk-types';

export interface BreakerSettings {
  dailyLoss: boolean;
  drawdown: boolean;
  brokerErrors: boolean;
  unknownOrder: boolean;
  staleFeed: boolean;
  /** Broker order errors within `brokerErrorWindowSeconds` that trip the breaker. */
  brokerErrorThreshold: number;
  brokerErrorWindowSeconds: number;
  /** While the market is open, no tick at all for this long trips the stale-feed breaker. */
  staleFeedSeconds: number;
}

export const DEFAULT_BREAKERS: BreakerSettings = {
  dailyLoss: true,
  drawdown: true,
  brokerErrors: true,
  unknownOrder: true,
  staleFeed: true,
  brokerErrorThreshold: 5,
  brokerErrorWindowSeconds: 60,
  staleFeedSeconds: 30,
};

export type BreakerTrigger = 'daily_loss' | 'drawdown' | 'broker_errors' | 'unknown_order' | 'stale_feed';

export interface BreakerInputs {
  now: number;
  dayPnlPaise: Paise;
  equityPaise: Paise;
  peakEquityPaise: Paise;
  /** Times of recent broker order errors. */
  brokerErrors: readonly number[];
  /** Newest tick time across instruments, or null when no tick was ever seen. */
  lastTickAt: number | null;
  marketOpen: boolean;
}

export function evaluateBreakers(
  s: BreakerSettings,
  limits: Pick<RiskLimits, 'maxDailyLossPaise' | 'maxDrawdownPercent'>,
  i: BreakerInputs,
): { trigger: BreakerTrigger; reason: string } | null {
  if (s.dailyLoss && limits.maxDailyLossPaise > 0 && i.dayPnlPaise <= -limits.maxDailyLossPaise) {
    return {
      trigger: 'daily_loss',
      reason: `day P&L ${i.dayPnlPaise} paise reached the daily loss limit ${limits.maxDailyLossPaise}`,
    };
  }
  if (s.drawdown && limits.maxDrawdownPercent > 0 && i.peakEquityPaise > 0) {
    if ((i.peakEquityPaise - i.equityPaise) * 100 >= limits.maxDrawdownPercent * i.peakEquityPaise) {
      return {
        trigger: 'drawdown',
        reason: `equity ${i.equityPaise} paise is ${limits.maxDrawdownPercent}% or more below the peak ${i.peakEquityPaise}`,
      };
    }
  }
  if (s.brokerErrors && s.brokerErrorThreshold > 0) {
    const since = i.now - s.brokerErrorWindowSeconds * 1000;
    const n = i.brokerErrors.filter((t) => t >= since).length;
    if (n >= s.brokerErrorThreshold)
      return {
        trigger: 'broker_errors',
        reason: `${n} broker order errors in ${s.brokerErrorWindowSeconds} s`,
      };
  }
  if (
    s.staleFeed &&
    i.marketOpen &&
    i.lastTickAt !== null &&
    i.now - i.lastTickAt > s.staleFeedSeconds * 1000
  ) {
    return {
      trigger: 'stale_feed',
      reason: `no tick for ${Math.round((i.now - i.lastTickAt) / 1000)} s while the market is open`,
    };
  }
  return null;
}
