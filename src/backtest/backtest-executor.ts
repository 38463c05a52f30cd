/**
 * The backtest's end of the one execution path: Signal -> sizing -> risk -> OrderIntent -> OrderSink.
 * `BacktestExecutor` is the default signal executor (the live executor can be plugged in instead through
 * `BacktestOptions.executor`); `SimulatedFillSink` is the OrderSink whose accepted intents the engine
 * fills with the fill model on the following bars.
 */
import type { Paise } from '@/common/money';
import { OrderSink, type OrderIntent, type RiskOutcome, type Signal } from '@/domain/execution';
import type { ProductType } from '@/domain/market';
import { sizePosition, type SizingMethod } from '@/risk/position-sizer';
import type { SignalExecutor } from '@/strategies/strategy.contract';

export interface PendingOrder {
  intent: OrderIntent;
  remaining: number;
  /** Bar index at which the intent was accepted; `at: 'open'` orders fill from the next bar. */
  bar: number;
  brokerageSoFar: Paise;
  fills: number;
}

/** Accepts intents into a queue the engine drains; refuses what a broker would refuse. */
export class SimulatedFillSink extends OrderSink {
  readonly pending: PendingOrder[] = [];
  bar = 0;
  private seq = 0;

  constructor(private readonly lotSize: number) {
    super();
  }

  async submit(intent: OrderIntent): Promise<{ accepted: boolean; orderId?: string; reason?: string }> {
    return this.submitNow(intent);
  }

  /** The synchronous core of submit (the engine's hot path calls it directly). */
  submitNow(intent: OrderIntent): { accepted: boolean; orderId?: string; reason?: string } {
    if (intent.type !== 'MARKET')
      return {
        accepted: false,
        reason: `order type ${intent.type} is not simulated; use MARKET with stop/target levels`,
      };
    if (!(intent.quantity > 0) || intent.quantity % this.lotSize !== 0)
      return {
        accepted: false,
        reason: `quantity ${intent.quantity} is not a positive multiple of lot ${this.lotSize}`,
      };
    this.pending.push({ intent, remaining: intent.quantity, bar: this.bar, brokerageSoFar: 0, fills: 0 });
    return { accepted: true, orderId: `BT-${++this.seq}` };
  }
}

/** What the executor may read about the simulated account. */
export interface BacktestAccountView {
  equityPaise(): Paise;
  /** Net signed quantity including orders already accepted but not yet filled. */
  projectedQuantity(): number;
  lastPricePaise(): Paise;
}

export interface BacktestExecutorOptions {
  sink: SimulatedFillSink;
  account: BacktestAccountView;
  lotSize: number;
  product: ProductType;
  sizing: SizingMethod | { kind: 'EQUITY_FRACTION'; fraction: number };
  /** Buying power multiple (intraday leverage); 1 = cash only. */
  leverage: number;
  /** Allow entries that open a short position. */
  allowShort: boolean;
  /** The risk engine's check, adapted by the caller; absent = accept. */
  riskCheck?: (intent: OrderIntent) => RiskOutcome;
  onRefused?: (signal: Signal, reason: string) => void;
}

/** Sizes, checks and submits one signal. Exits close the position; entries never pyramid. */
export class BacktestExecutor implements SignalExecutor {
  private seq = 0;

  constructor(private readonly o: BacktestExecutorOptions) {}

  execute(signal: Signal): void {
    const pos = this.o.account.projectedQuantity();
    const dir = signal.side === 'BUY' ? 1 : -1;
    let quantity = 0;
    const closing = pos !== 0 && Math.sign(pos) !== dir ? Math.abs(pos) : 0;
    if (signal.intent === 'EXIT' || (closing > 0 && !(this.o.allowShort && signal.intent === 'ENTRY'))) {
      quantity = closing;
    } else if (pos === 0 || closing > 0) {
      if (dir < 0 && !this.o.allowShort && closing === 0)
        return this.refuse(signal, 'short entries are disabled');
      const size = this.size(signal);
      if (size === 0) return this.refuse(signal, 'size rounds to zero lots');
      quantity = closing + size;
    }
    if (quantity === 0) return; // already positioned on this side: no pyramiding
    const intent: OrderIntent = {
      clientOrderId: `bt-${++this.seq}`,
      symbol: signal.symbol,
      side: signal.side,
      quantity,
      type: 'MARKET',
      product: this.o.product,
      validity: 'DAY',
      stopLossPaise: signal.stopLossPaise,
      takeProfitPaise: signal.takeProfitPaise,
      trailingStopPaise: signal.trailingStopPaise,
      strategyId: signal.strategyId,
      reason: signal.reason,
      createdAt: signal.time,
    };
    const risk = this.o.riskCheck?.(intent);
    if (risk && !risk.accepted) return this.refuse(signal, `${risk.reason}: ${risk.message}`);
    const res = this.o.sink.submitNow(intent);
    if (!res.accepted) this.refuse(signal, res.reason ?? 'refused by the fill simulator');
  }

  private size(signal: Signal): number {
    const price = this.o.account.lastPricePaise();
    const equity = this.o.account.equityPaise() * this.o.leverage;
    const s = this.o.sizing;
    if (s.kind === 'EQUITY_FRACTION') {
      // Leave room for the charges of the round trip so the order stays affordable at the next open.
      const units = (equity * s.fraction) / (price * 1.002);
      return Math.floor(units / this.o.lotSize + 1e-9) * this.o.lotSize;
    }
    return sizePosition({
      method: s,
      pricePaise: price,
      equityPaise: equity,
      lotSize: this.o.lotSize,
      stopLossPaise: signal.stopLossPaise,
      strength: signal.strength,
    }).quantity;
  }

  private refuse(signal: Signal, reason: string): void {
    this.o.onRefused?.(signal, reason);
  }
}
