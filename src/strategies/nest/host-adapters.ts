/**
 * The engine's views of other modules, resolved from the running app when those modules are loaded
 * (ModuleRef, non-strict), so the strategies module imports neither and still works without them.
 */
import type { ModuleRef } from '@nestjs/core';
import type { Clock } from '@/common/clock';
import type { Signal } from '@/domain/execution';
import { BrokerGateway } from '@/broker/broker-gateway';
import type { Candle, Interval } from '@/domain/market';
import { InstrumentDirectory } from '@/market-data/instruments/instrument-directory';
import { CandleStore } from '@/market-data/storage/candle-store';
import { LiveOrderSink } from '@/orders/live-order-sink';
import { SYSTEM_USER_ID } from '@/orders/orders.ports';
import { SignalExecutor as OrdersSignalExecutor } from '@/orders/signal-executor';
import { PortfolioService } from '@/portfolio/portfolio.service';
import type { SizingMethod } from '@/risk/position-sizer';
import { RiskService } from '@/risk/risk.service';
import { INTERVAL_MS, type HistoryProvider } from '@/strategies/engine';
import type { PortfolioView, SignalExecutor } from '@/strategies/strategy.contract';

function optional<T>(ref: ModuleRef, token: abstract new (...a: never[]) => T): T | undefined {
  try {
    return ref.get(token, { strict: false });
  } catch {
    return undefined;
  }
}

/** Account cash, equity and net quantity from the portfolio; zeros when the portfolio is not loaded. */
export function strategyPortfolio(ref: ModuleRef): PortfolioView {
  const portfolio = optional(ref, PortfolioService);
  return {
    cashPaise: () => portfolio?.capitalPaise() ?? 0,
    equityPaise: () => (portfolio ? portfolio.capitalPaise() + portfolio.account.totals().netPaise : 0),
    netQuantity: (symbol) => portfolio?.account.quantity(symbol) ?? 0,
  };
}

/** The instance's open positions as the portfolio's per-strategy ledger has them (after a restart). */
export function strategyPositions(
  ref: ModuleRef,
  strategyId: string,
): { symbol: string; quantity: number; avgPricePaise: number }[] {
  const portfolio = optional(ref, PortfolioService);
  if (!portfolio) return [];
  return portfolio.account
    .strategyPositions(strategyId)
    .map((p) => ({ symbol: p.symbol, quantity: p.quantity, avgPricePaise: p.averagePricePaise }));
}

/**
 * The last `count` closed candles before `before`: stored ones first. The store reads forward from a
 * start, so the window is sized for sessions, weekends and holidays (375 one-minute bars a day), and
 * only its tail is kept. When the store holds fewer (a fresh install, or the first start after a gap),
 * the broker's candle history (getCandleData; the simulator's in simulated mode) fills the window and
 * what it adds is stored, so a new strategy trades on its first live bar instead of after `count` bars.
 */
export function strategyHistory(ref: ModuleRef): HistoryProvider | undefined {
  const store = optional(ref, CandleStore);
  if (!store) return undefined;
  const broker = optional(ref, BrokerGateway);
  const instruments = optional(ref, InstrumentDirectory);
  return {
    async loadCandles(symbol: string, interval: Interval, count: number, before: number) {
      const len = INTERVAL_MS[interval];
      const barsPerDay = interval === '1d' ? 1 : Math.max(1, Math.floor((375 * 60_000) / len));
      const from = before - (Math.ceil(count / barsPerDay) * 2 + 6) * 86_400_000;
      const stored = await store.range(symbol, interval, from, before, 100_000);
      if (stored.length >= count || !broker || !instruments) return stored.slice(-count);
      const fetched = await brokerCandles(broker, instruments, symbol, interval, from, before);
      if (fetched.length === 0) return stored.slice(-count);
      await store.save(fetched, 'broker', 'keep').catch(() => undefined);
      const byStart = new Map(fetched.map((c) => [c.start, c]));
      for (const c of stored) byStart.set(c.start, c); // the platform's own candles win
      return [...byStart.values()].sort((a, b) => a.start - b.start).slice(-count);
    },
  };
}

const DAILY_OPEN_MS = (9 * 60 + 15) * 60_000;

/** Closed broker candles in [from, before); none when the symbol is unknown or the broker refuses. */
async function brokerCandles(
  broker: BrokerGateway,
  instruments: InstrumentDirectory,
  symbol: string,
  interval: Interval,
  from: number,
  before: number,
): Promise<Candle[]> {
  try {
    const instrument = await instruments.get(symbol);
    if (!instrument) return [];
    const rows = await broker.historicalCandles({ instrument, interval, from, to: before });
    // The broker stamps daily bars at 00:00 IST; the platform's day starts at the 09:15 IST open.
    const shift = interval === '1d' ? DAILY_OPEN_MS : 0;
    return rows
      .map((c) => (shift ? { ...c, start: c.start + shift } : c))
      .filter((c) => c.start >= from && c.start + INTERVAL_MS[interval] <= before); // closed bars only
  } catch {
    return [];
  }
}

/**
 * The platform's one execution path (orders' SignalExecutor: sizing -> the account risk engine -> the
 * live order sink), built from the running modules when all three are loaded. Sizing: with a stop on
 * the signal, risk `riskPercent` of equity between entry and stop; without one, a notional of
 * `riskPercent` of equity. Exits use the instance's own attributed position.
 */
export function platformExecutor(
  ref: ModuleRef,
  clock: Clock,
  riskPercent: number,
  strategyPosition: (strategyId: string, symbol: string) => number,
): SignalExecutor | undefined {
  const risk = optional(ref, RiskService);
  const portfolio = optional(ref, PortfolioService);
  const sink = optional(ref, LiveOrderSink);
  if (!risk || !portfolio || !sink) return undefined;
  const sizing = (s: Signal): SizingMethod =>
    s.stopLossPaise !== undefined
      ? { kind: 'FIXED_FRACTIONAL', riskPercent }
      : {
          kind: 'FIXED_NOTIONAL',
          notionalPaise: Math.max(0, Math.round((portfolio.view.equityPaise() * riskPercent) / 100)),
        };
  return new OrdersSignalExecutor({
    risk: risk.engine,
    view: portfolio.view,
    sink,
    clock,
    sizing,
    strategyPosition,
    userId: SYSTEM_USER_ID,
  });
}
