/**
 * Per-instance figures, kept incrementally so the API can read them at any moment.
 *   winRate: winning closed trades / closed trades (net of charges), null before the first trade.
 *   sharpe:  mean / sample standard deviation of daily net P&L (realised, by IST trading day on which the
 *            instance received market data) x sqrt(252); null with fewer than two days or no variance.
 *            P&L rather than returns because an instance has no capital of its own; over a constant
 *            capital base the ratio is the same.
 */
import type { Paise } from '@/common/money';
import type { ClosedTrade } from './position-book';

const IST_OFFSET_MS = 330 * 60_000;

export interface InstanceMetricsSnapshot {
  signals: number;
  signalsSent: number;
  executorRejections: number;
  trades: number;
  wins: number;
  losses: number;
  consecutiveLosses: number;
  winRate: number | null;
  realisedPnlPaise: Paise;
  unrealisedPnlPaise: Paise;
  chargesPaise: Paise;
  sharpe: number | null;
  lastSignalAt: number | null;
}

export class InstanceMetrics {
  signals = 0;
  signalsSent = 0;
  executorRejections = 0;
  trades = 0;
  wins = 0;
  losses = 0;
  consecutiveLosses = 0;
  lastSignalAt: number | null = null;
  private readonly dailyPnl = new Map<number, number>();

  /** Carry counters over a restart (daily P&L history is not kept, so Sharpe restarts from the new days). */
  restore(m: Partial<InstanceMetricsSnapshot>): void {
    this.signals = m.signals ?? 0;
    this.signalsSent = m.signalsSent ?? 0;
    this.executorRejections = m.executorRejections ?? 0;
    this.trades = m.trades ?? 0;
    this.wins = m.wins ?? 0;
    this.losses = m.losses ?? 0;
    this.consecutiveLosses = m.consecutiveLosses ?? 0;
    this.lastSignalAt = m.lastSignalAt ?? null;
  }

  /** Mark a day as one the instance traded in (received data), so flat days count as zeros. */
  touchDay(time: number): void {
    const day = istDay(time);
    if (!this.dailyPnl.has(day)) this.dailyPnl.set(day, 0);
  }

  recordTrade(t: ClosedTrade): void {
    this.trades++;
    if (t.pnlPaise > 0) {
      this.wins++;
      this.consecutiveLosses = 0;
    } else {
      this.losses++;
      this.consecutiveLosses++;
    }
    const day = istDay(t.closedAt);
    this.dailyPnl.set(day, (this.dailyPnl.get(day) ?? 0) + t.pnlPaise);
  }

  sharpe(): number | null {
    const xs = [...this.dailyPnl.values()];
    if (xs.length < 2) return null;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    if (!(variance > 0)) return null;
    return (mean / Math.sqrt(variance)) * Math.sqrt(252);
  }

  snapshot(realised: Paise, unrealised: Paise, charges: Paise): InstanceMetricsSnapshot {
    return {
      signals: this.signals,
      signalsSent: this.signalsSent,
      executorRejections: this.executorRejections,
      trades: this.trades,
      wins: this.wins,
      losses: this.losses,
      consecutiveLosses: this.consecutiveLosses,
      winRate: this.trades ? this.wins / this.trades : null,
      realisedPnlPaise: Math.round(realised - charges),
      unrealisedPnlPaise: unrealised,
      chargesPaise: Math.round(charges),
      sharpe: this.sharpe(),
      lastSignalAt: this.lastSignalAt,
    };
  }
}

function istDay(t: number): number {
  return Math.floor((t + IST_OFFSET_MS) / 86_400_000);
}
