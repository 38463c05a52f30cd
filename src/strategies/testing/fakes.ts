/** Test helpers for strategy, engine and backtest specs: candles, an executor that records, a flat portfolio. */
import type { Signal } from '@/domain/execution';
import type { Candle, Interval } from '@/domain/market';
import type { PortfolioView, SignalExecutor } from '@/strategies/strategy.contract';

export class RecordingExecutor implements SignalExecutor {
  readonly signals: Signal[] = [];
  constructor(private readonly reply: (s: Signal) => unknown = () => ({ status: 'SUBMITTED' })) {}
  execute(signal: Signal): unknown {
    this.signals.push(signal);
    return this.reply(signal);
  }
}

export const FLAT_PORTFOLIO: PortfolioView = {
  cashPaise: () => 10_000_000,
  equityPaise: () => 10_000_000,
  netQuantity: () => 0,
};

export const T0 = Date.UTC(2026, 0, 5, 3, 45); // 09:15 IST, Monday 5 Jan 2026

export function candle(
  symbol: string,
  i: number,
  closePaise: number,
  opts: { interval?: Interval; volume?: number; start?: number } = {},
): Candle {
  const interval = opts.interval ?? '1m';
  return {
    symbol,
    interval,
    start: opts.start ?? T0 + i * 60_000,
    openPaise: closePaise,
    highPaise: closePaise + 10,
    lowPaise: closePaise - 10,
    closePaise,
    volume: opts.volume ?? 1000,
    closed: true,
  };
}
