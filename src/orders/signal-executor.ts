/**
 * The one execution path shared by every mode: Signal -> size -> risk check -> OrderIntent -> OrderSink.
 * The backtester gives it a simulated-fill sink, live modes the order queue. Every outcome is a value:
 * a skip (nothing to do), a risk refusal with its reason, a sink refusal, or a submitted intent.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '@/common/clock';
import type { Paise } from '@/common/money';
import type { OrderIntent, OrderSink, RiskReason, Signal } from '@/domain/execution';
import type { OrderType, ProductType } from '@/domain/market';
import type { RiskEngine } from '@/risk/risk-engine';
import { sizePosition, type SizingMethod, type SizingSkip } from '@/risk/position-sizer';
import type { RiskView } from '@/risk/risk-types';

export interface SignalExecutorOptions {
  risk: RiskEngine;
  view: RiskView;
  sink: OrderSink;
  clock: Clock;
  /** A fixed method, or one chosen per signal (per strategy). */
  sizing: SizingMethod | ((signal: Signal) => SizingMethod);
  product?: ProductType;
  /**
   * MARKET (default) or LIMIT at the signal-time LTP moved by `limitOffsetBps` in the adverse
   * direction (a marketable limit), snapped to the tick grid.
   */
  orderType?: Extract<OrderType, 'MARKET' | 'LIMIT'>;
  limitOffsetBps?: number;
  /** Add to a position already held in the signal's direction (off by default: repeated BUYs are ignored). */
  allowPyramiding?: boolean;
  scaleByStrength?: boolean;
  /** ATR in paise per instrument, for the ATR sizing method. */
  atr?: (symbol: string) => Paise | undefined;
  /** Position quantity the strategy itself holds, for its exits; defaults to the account position. */
  strategyPosition?: (strategyId: string, symbol: string) => number;
  userId?: string;
  ttlMs?: number;
  /** Client order id factory; the backtester passes a deterministic one. */
  newClientOrderId?: (signal: Signal) => string;
}

export type SkipReason = SizingSkip | 'NO_POSITION' | 'ALREADY_POSITIONED' | 'UNKNOWN_INSTRUMENT';

export type ExecutionResult =
  | { status: 'SKIPPED'; reason: SkipReason }
  | { status: 'RISK_REJECTED'; intent: OrderIntent; reason: RiskReason; message: string }
  | { status: 'SINK_REJECTED'; intent: OrderIntent; reason: string }
  | { status: 'SUBMITTED'; intent: OrderIntent; orderId?: string };

export class SignalExecutor {
  constructor(private readonly opts: SignalExecutorOptions) {}

  /** Builds the intent for a signal and checks it, without sending (the backtester's hot path uses execute). */
  prepare(signal: Signal): { intent: OrderIntent } | { skip: SkipReason } {
    const o = this.opts;
    const spec = o.view.instrument(signal.symbol);
    if (!spec) return { skip: 'UNKNOWN_INSTRUMENT' };
    const held =
      signal.strategyId !== undefined && o.strategyPosition
        ? o.strategyPosition(signal.strategyId, signal.symbol)
        : o.view.positionQuantity(signal.symbol);
    const dir = signal.side === 'BUY' ? 1 : -1;
    const opposite = held !== 0 && Math.sign(held) !== dir;
    const ltp = o.view.lastTick(signal.symbol)?.pricePaise;
    let quantity: number;
    if (signal.intent === 'EXIT') {
      if (!opposite) return { skip: 'NO_POSITION' };
      quantity = Math.abs(held);
    } else {
      if (held !== 0 && !opposite && !o.allowPyramiding) return { skip: 'ALREADY_POSITIONED' };
      const limits = o.risk.getLimits();
      const sized = sizePosition({
        method: typeof o.sizing === 'function' ? o.sizing(signal) : o.sizing,
        pricePaise: ltp ?? 0,
        equityPaise: o.view.equityPaise(),
        lotSize: spec.lotSize,
        stopLossPaise: signal.stopLossPaise,
        atrPaise: o.atr?.(signal.symbol),
        strength: signal.strength,
        scaleByStrength: o.scaleByStrength,
        maxQuantity: limits.maxOrderQuantity,
        maxNotionalPaise: minPositive(limits.maxOrderNotionalPaise, limits.maxPositionNotionalPaise),
      });
      if (sized.quantity === 0) return { skip: sized.skip ?? 'BELOW_ONE_LOT' };
      // An entry against a held position first closes it, then opens the sized amount the other way.
      quantity = (opposite ? Math.abs(held) : 0) + sized.quantity;
    }
    const type = o.orderType ?? 'MARKET';
    const intent: OrderIntent = {
      clientOrderId: o.newClientOrderId ? o.newClientOrderId(signal) : uuidv7(),
      symbol: signal.symbol,
      side: signal.side,
      quantity,
      type,
      product: o.product ?? 'INTRADAY',
      validity: signal.validity ?? 'DAY',
      createdAt: o.clock.now(),
      reason: signal.reason,
    };
    if (type === 'LIMIT' && ltp !== undefined)
      intent.pricePaise = marketableLimit(ltp, dir, o.limitOffsetBps ?? 0, spec.tickSizePaise);
    if (signal.stopLossPaise !== undefined) intent.stopLossPaise = signal.stopLossPaise;
    if (signal.takeProfitPaise !== undefined) intent.takeProfitPaise = signal.takeProfitPaise;
    if (signal.trailingStopPaise !== undefined) intent.trailingStopPaise = signal.trailingStopPaise;
    if (signal.strategyId !== undefined) intent.strategyId = signal.strategyId;
    if (o.userId !== undefined) intent.userId = o.userId;
    if (o.ttlMs !== undefined) intent.ttlMs = o.ttlMs;
    return { intent };
  }

  async execute(signal: Signal): Promise<ExecutionResult> {
    const prepared = this.prepare(signal);
    if ('skip' in prepared) return { status: 'SKIPPED', reason: prepared.skip };
    return this.submit(prepared.intent);
  }

  /** Risk-checks and sends a ready intent (also the path of manual API orders that skip sizing). */
  async submit(intent: OrderIntent): Promise<ExecutionResult> {
    const outcome = this.opts.risk.check(intent);
    if (!outcome.accepted)
      return { status: 'RISK_REJECTED', intent, reason: outcome.reason, message: outcome.message };
    const sent = await this.opts.sink.submit(intent);
    if (!sent.accepted)
      return { status: 'SINK_REJECTED', intent, reason: sent.reason ?? 'refused by the order sink' };
    return sent.orderId !== undefined
      ? { status: 'SUBMITTED', intent, orderId: sent.orderId }
      : { status: 'SUBMITTED', intent };
  }
}

function minPositive(a: number, b: number): number {
  if (a > 0 && b > 0) return Math.min(a, b);
  return a > 0 ? a : b;
}

/** LTP moved against us by `bps` basis points, rounded outward to the tick so it stays marketable. */
export function marketableLimit(ltp: Paise, dir: 1 | -1, bps: number, tick: Paise): Paise {
  const raw = ltp * (1 + (dir * bps) / 10_000);
  const t = tick > 0 ? tick : 1;
  return dir > 0 ? Math.ceil(raw / t - 1e-9) * t : Math.max(t, Math.floor(raw / t + 1e-9) * t);
}
