/**
 * The one execution path shared by backtest, simulated, paper and live trading:
 *   Signal -> PositionSizer -> RiskEngine.check -> OrderIntent -> OrderSink
 * Only the OrderSink (and the clock and feed) change between modes. Expected refusals are outcomes, not throws.
 */
import type { Paise } from '@/common/money';
import type { OrderType, ProductType, Side, Validity } from '@/domain/market';

export interface Signal {
  symbol: string;
  side: Side;
  /** 0..1, used by aggregation (weighted vote) and sizing. */
  strength: number;
  reason: string;
  stopLossPaise?: Paise;
  takeProfitPaise?: Paise;
  trailingStopPaise?: Paise;
  validity?: Validity;
  /** Exit signals reduce or close a position and are allowed while the risk state is REDUCING. */
  intent?: 'ENTRY' | 'EXIT';
  strategyId?: string;
  time: number; // epoch ms UTC
}

export interface OrderIntent {
  clientOrderId: string;
  symbol: string;
  side: Side;
  quantity: number;
  type: OrderType;
  product: ProductType;
  validity: Validity;
  pricePaise?: Paise;
  triggerPricePaise?: Paise;
  stopLossPaise?: Paise;
  takeProfitPaise?: Paise;
  trailingStopPaise?: Paise;
  strategyId?: string;
  /** Carried into the broker ordertag so every broker order traces back to the strategy version. */
  strategyVersion?: string;
  userId?: string;
  reason?: string;
  createdAt: number; // epoch ms UTC
  /** The intent is never sent after createdAt + ttlMs (it becomes EXPIRED). */
  ttlMs?: number;
}

export type RiskReason =
  | 'TRADING_HALTED'
  | 'TRADING_REDUCING'
  | 'MAX_POSITION_SIZE'
  | 'MAX_GROSS_EXPOSURE'
  | 'MAX_NET_EXPOSURE'
  | 'MAX_OPEN_POSITIONS'
  | 'MAX_ORDER_QUANTITY'
  | 'MAX_ORDER_NOTIONAL'
  | 'PRICE_BAND'
  | 'LOT_SIZE'
  | 'TICK_SIZE'
  | 'MARKET_CLOSED'
  | 'SQUARE_OFF_CUTOFF'
  | 'STALE_DATA'
  | 'NO_PRICE'
  | 'MAX_DAILY_LOSS'
  | 'MAX_DRAWDOWN'
  | 'LOSS_COOLDOWN'
  | 'ORDER_RATE'
  | 'STRATEGY_DAILY_LOSS'
  | 'STRATEGY_TRADE_COUNT'
  | 'RECONCILIATION_MISMATCH'
  | 'ZERO_QUANTITY'
  | 'INSUFFICIENT_FUNDS'
  | 'UNKNOWN_INSTRUMENT'
  | 'INVALID_PRICE';

export type RiskOutcome = { accepted: true } | { accepted: false; reason: RiskReason; message: string };

export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

/** Where accepted intents go: the order queue in live modes, the fill simulator in backtests. */
export abstract class OrderSink {
  abstract submit(intent: OrderIntent): Promise<{ accepted: boolean; orderId?: string; reason?: string }>;
}

/**
 * One execution (fill) of an order, as the orders module reports it on the event bus (`orders.fill`)
 * and the backtester's fill model produces it. Quantity is the size of this fill, not the order's total.
 */
export interface OrderFill {
  orderId: string;
  clientOrderId: string;
  userId: string;
  strategyId?: string;
  symbol: string;
  side: Side;
  quantity: number;
  pricePaise: Paise;
  /** Brokerage, taxes and fees attributed to this fill. */
  chargesPaise: Paise;
  product?: ProductType;
  /** Broker or simulator trade id when known; lets consumers drop a repeated fill. */
  tradeId?: string;
  time: number; // epoch ms UTC
}
