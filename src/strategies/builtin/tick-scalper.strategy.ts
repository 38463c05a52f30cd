/**
 * Tick scalper: short-horizon momentum on the last-traded price. When the price has moved at least
 * `momentumTicks` tick sizes over the last `lookbackTicks` ticks and the best bid/ask spread is at most
 * `maxSpreadTicks`, it enters in the direction of the move with a stop and a target a few ticks away;
 * it exits on the stop, the target, or after `maxHoldSeconds`, whichever comes first. Without depth on
 * the tick (LTP mode) the spread is unknown and it does not enter.
 */
import type { Paise } from '@/common/money';
import type { Tick } from '@/domain/market';
import { BooleanParam, NumberParam } from '@/strategies/params';
import {
  Strategy,
  type ParamProblem,
  type StrategyContext,
  type StrategyOrderUpdate,
} from '@/strategies/strategy.contract';

export class TickScalperParams {
  @NumberParam({ description: 'Ticks in the momentum window', min: 2, max: 1000, integer: true })
  lookbackTicks = 20;

  @NumberParam({
    description: 'Minimum price move over the window, in tick sizes, to enter',
    min: 1,
    max: 1000,
    integer: true,
  })
  momentumTicks = 4;

  @NumberParam({
    description: 'Profit target in tick sizes from the entry',
    min: 1,
    max: 1000,
    integer: true,
  })
  targetTicks = 6;

  @NumberParam({ description: 'Stop-loss in tick sizes from the entry', min: 1, max: 1000, integer: true })
  stopTicks = 4;

  @NumberParam({
    description: 'Maximum holding time in seconds before a forced exit',
    min: 1,
    max: 86_400,
    integer: true,
  })
  maxHoldSeconds = 120;

  @NumberParam({
    description: 'Enter only while best ask - best bid is at most this many tick sizes',
    min: 1,
    max: 100,
    integer: true,
  })
  maxSpreadTicks = 2;

  @NumberParam({
    description: "The instrument's tick size in paise (5 = Rs 0.05 for NSE equities)",
    min: 1,
    max: 100_000,
    integer: true,
  })
  tickSizePaise = 5;

  @NumberParam({
    description: 'Seconds to wait after an exit before the next entry',
    min: 0,
    max: 3600,
    integer: true,
  })
  cooldownSeconds = 10;

  @BooleanParam({ description: 'Also trade downward momentum with shorts (intraday)' })
  allowShort = true;
}

interface SymbolState {
  prices: Float64Array;
  idx: number;
  count: number;
  /** Epoch ms until which no new entry is made (after an exit, or while an entry is in flight). */
  quietUntil: number;
  /** Time the last signal was sent for this symbol, to avoid repeating it while the order is in flight. */
  pendingSince: number;
}

const PENDING_TIMEOUT_MS = 5_000;

export class TickScalperStrategy extends Strategy<TickScalperParams> {
  readonly id = 'tick-scalper';
  readonly name = 'Tick scalper';
  readonly description =
    'Short-horizon tick momentum with tight tick-based stop and target, a maximum holding time and a spread filter.';
  readonly paramsSchema = TickScalperParams;
  private readonly state = new Map<string, SymbolState>();

  /** Works on ticks; it needs no candle history. */
  warmupBars(): number {
    return 0;
  }

  override validateParams(): ParamProblem[] {
    return this.params.targetTicks >= this.params.stopTicks
      ? []
      : [
          {
            param: 'targetTicks',
            message: `parameter 'targetTicks' (${this.params.targetTicks}) must be at least 'stopTicks' (${this.params.stopTicks})`,
          },
        ];
  }

  override onTick(tick: Tick, ctx: StrategyContext<TickScalperParams>): void {
    const p = this.params;
    let s = this.state.get(tick.symbol);
    if (!s)
      this.state.set(
        tick.symbol,
        (s = {
          prices: new Float64Array(p.lookbackTicks),
          idx: 0,
          count: 0,
          quietUntil: 0,
          pendingSince: 0,
        }),
      );
    const ltp = tick.ltpPaise;
    const now = ctx.clock.now();
    const size = s.prices.length;
    // The slot about to be overwritten holds the price exactly `lookbackTicks` ticks ago.
    const oldest = s.count === size ? s.prices[s.idx] : NaN;
    s.prices[s.idx] = ltp;
    s.idx = s.idx + 1 === size ? 0 : s.idx + 1;
    if (s.count < size) s.count++;

    const pos = ctx.position(tick.symbol);
    const pending = s.pendingSince > 0 && now - s.pendingSince < PENDING_TIMEOUT_MS;
    if (pos.quantity !== 0) {
      if (pending) return;
      const exit = this.exitReason(pos.quantity, pos.avgPricePaise, pos.openedAt, ltp, now);
      if (exit) {
        s.pendingSince = now;
        s.quietUntil = now + p.cooldownSeconds * 1000;
        ctx.emit({
          symbol: tick.symbol,
          side: pos.quantity > 0 ? 'SELL' : 'BUY',
          strength: 1,
          intent: 'EXIT',
          reason: exit,
        });
      }
      return;
    }
    if (pending || now < s.quietUntil || Number.isNaN(oldest)) return;
    const spread = spreadPaise(tick);
    if (spread === undefined || spread > p.maxSpreadTicks * p.tickSizePaise) return;
    const move = ltp - oldest;
    const threshold = p.momentumTicks * p.tickSizePaise;
    const up = move >= threshold;
    if (!up && !(p.allowShort && -move >= threshold)) return;
    const tickSize = p.tickSizePaise;
    const dir = up ? 1 : -1;
    s.pendingSince = now;
    ctx.emit({
      symbol: tick.symbol,
      side: up ? 'BUY' : 'SELL',
      strength: Math.min(1, Math.abs(move) / (2 * threshold)),
      intent: 'ENTRY',
      validity: 'IOC',
      stopLossPaise: ltp - dir * p.stopTicks * tickSize,
      takeProfitPaise: ltp + dir * p.targetTicks * tickSize,
      reason: `${Math.abs(move / tickSize)} ticks ${up ? 'up' : 'down'} over ${p.lookbackTicks} ticks, spread ${spread / tickSize} ticks`,
    });
  }

  override onOrderUpdate(update: StrategyOrderUpdate): void {
    const s = this.state.get(update.symbol);
    if (!s) return;
    // Any terminal or filled update ends the in-flight wait, so the next decision uses the new position.
    if (update.status !== 'OPEN') s.pendingSince = 0;
  }

  private exitReason(qty: number, avg: Paise, openedAt: number, ltp: Paise, now: number): string | null {
    const p = this.params;
    const dir = qty > 0 ? 1 : -1;
    const pnlTicks = ((ltp - avg) * dir) / p.tickSizePaise;
    if (pnlTicks <= -p.stopTicks) return `stop: ${pnlTicks.toFixed(1)} ticks against`;
    if (pnlTicks >= p.targetTicks) return `target: ${pnlTicks.toFixed(1)} ticks in favour`;
    if (openedAt > 0 && now - openedAt >= p.maxHoldSeconds * 1000)
      return `held ${Math.round((now - openedAt) / 1000)} s, maximum ${p.maxHoldSeconds} s`;
    return null;
  }
}

function spreadPaise(tick: Tick): number | undefined {
  const bid = tick.bids?.[0]?.pricePaise;
  const ask = tick.asks?.[0]?.pricePaise;
  if (bid === undefined || ask === undefined || !(bid > 0) || !(ask > 0)) return undefined;
  return ask - bid;
}
