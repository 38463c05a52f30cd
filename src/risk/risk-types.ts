/**
 * Ports and settings of the risk engine. The engine reads the world only through `RiskView` and
 * `MarketCalendar`, so the same checks run in a backtest (a view over the simulated book and candle
 * closes), in paper and simulated modes and live (a view over the portfolio and the tick cache).
 */
import type { Paise } from '@/common/money';
import type { Exchange, Side } from '@/domain/market';
import type { TradingState } from '@/domain/execution';

/**
 * Limits in paise and counts. A limit set to 0 is switched off (a cap of zero would forbid all trading,
 * which is what the HALTED state is for).
 */
export interface RiskLimits {
  /** Largest notional of one instrument's net position after the order (`MAX_POSITION_SIZE`, rupees in env). */
  maxPositionNotionalPaise: Paise;
  /** Sum over instruments of |qty| x price, including resting orders that add exposure. */
  maxGrossExposurePaise: Paise;
  /** |sum over instruments of qty x price|: long minus short. */
  maxNetExposurePaise: Paise;
  maxOpenPositions: number;
  /** Fat-finger caps on a single order. */
  maxOrderQuantity: number;
  maxOrderNotionalPaise: Paise;
  /** A LIMIT/SL price further than this from LTP is refused (percent, e.g. 5 = 5 %). */
  priceBandPercent: number;
  /** No entries on an instrument whose last tick is older than this (`STALE_TICK_SECONDS`). */
  staleTickSeconds: number;
  /** Realised plus unrealised day loss, net of charges, that stops entries (`MAX_DAILY_LOSS`). */
  maxDailyLossPaise: Paise;
  /** Drawdown from the peak equity, percent, that stops entries. */
  maxDrawdownPercent: number;
  /** After this many losing exits in a row, no entries for `lossCooldownSeconds`. */
  lossCooldownCount: number;
  lossCooldownSeconds: number;
  /** Orders accepted in any rolling second (`ORDER_RATE_LIMIT_PER_SEC`). */
  maxOrdersPerSecond: number;
  /** Default per-strategy limits; `strategyOverrides` replaces them for one strategy id. */
  strategyMaxDailyLossPaise: Paise;
  strategyMaxTradesPerDay: number;
  strategyOverrides: Record<string, { maxDailyLossPaise?: Paise; maxTradesPerDay?: number }>;
  /** `HH:MM` Asia/Kolkata: no new INTRADAY entries from this time (`SQUARE_OFF_TIME`). */
  squareOffTime: string;
}

export const DEFAULT_RISK_LIMITS: RiskLimits = {
  maxPositionNotionalPaise: 100_000_00,
  maxGrossExposurePaise: 500_000_00,
  maxNetExposurePaise: 500_000_00,
  maxOpenPositions: 10,
  maxOrderQuantity: 10_000,
  maxOrderNotionalPaise: 200_000_00,
  priceBandPercent: 5,
  staleTickSeconds: 10,
  maxDailyLossPaise: 5_000_00,
  maxDrawdownPercent: 10,
  lossCooldownCount: 3,
  lossCooldownSeconds: 900,
  maxOrdersPerSecond: 10,
  strategyMaxDailyLossPaise: 0,
  strategyMaxTradesPerDay: 0,
  strategyOverrides: {},
  squareOffTime: '15:15',
};

/** What the engine needs to know about an instrument. */
export interface InstrumentSpec {
  exchange: Exchange;
  lotSize: number;
  tickSizePaise: Paise;
}

/** A net position as the risk engine sees it (account level, all strategies together). */
export interface PositionView {
  symbol: string;
  /** Signed: positive long, negative short. */
  quantity: number;
  /** Price used to value it: last tick, else average price. */
  markPaise: Paise;
}

/** A resting order: its remaining quantity can still add to a position. */
export interface OpenOrderView {
  symbol: string;
  side: Side;
  remainingQuantity: number;
  /** Limit or trigger price; market orders are valued at the mark. */
  pricePaise?: Paise;
  strategyId?: string;
}

export interface LastTick {
  pricePaise: Paise;
  /** When the tick was received (epoch ms UTC). */
  time: number;
}

export interface LossStreak {
  /** Losing exits in a row (reset by a winning exit). */
  count: number;
  /** Time of the last losing exit, epoch ms UTC. */
  lastLossAt: number | null;
}

export interface StrategyDayStats {
  /** Realised + unrealised - charges today. */
  dayPnlPaise: Paise;
  /** Orders of this strategy that filled today. */
  tradesToday: number;
}

/** Read-only world of the risk engine. Every call must be cheap: it runs once per order on the hot path. */
export interface RiskView {
  instrument(symbol: string): InstrumentSpec | undefined;
  /** Account-level net quantity in `symbol` (0 when flat). */
  positionQuantity(symbol: string): number;
  /** Every non-flat position. */
  positions(): readonly PositionView[];
  openOrders(): readonly OpenOrderView[];
  lastTick(symbol: string): LastTick | undefined;
  equityPaise(): Paise;
  peakEquityPaise(): Paise;
  /** Account realised + unrealised - charges since the start of the trading day. */
  dayPnlPaise(): Paise;
  lossStreak(): LossStreak;
  strategyStats(strategyId: string): StrategyDayStats;
}

export type MarketSegment = 'equity' | 'fno' | 'currency' | 'commodity';

/** Market-hours port; market-data's `MarketCalendar` (NSE holidays and sessions) satisfies it. */
export interface MarketHours {
  isOpen(segment: MarketSegment, t: number): boolean;
}

export function segmentOf(exchange: Exchange): MarketSegment {
  switch (exchange) {
    case 'NSE':
    case 'BSE':
      return 'equity';
    case 'NFO':
    case 'BFO':
      return 'fno';
    case 'CDS':
      return 'currency';
    case 'MCX':
      return 'commodity';
  }
}

export interface RiskDecisionListener {
  /** Called for every refusal, after the decision; must not throw (metrics, persistence). */
  rejected?(input: RiskCheckInput, reason: string, message: string): void;
}

/** The order facts the checks need (an OrderIntent satisfies it). */
export interface RiskCheckInput {
  symbol: string;
  side: Side;
  quantity: number;
  type: 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
  product: 'INTRADAY' | 'DELIVERY' | 'CARRYFORWARD';
  pricePaise?: Paise;
  triggerPricePaise?: Paise;
  strategyId?: string;
}

export type { TradingState };
