/**
 * The fill model: where a simulated order fills and how much of it.
 *
 * - Market orders fill at the next bar's open (default) or at the signal bar's close (`at: 'close'`).
 * - Slippage moves the price against the order by `slippageBps` basis points and/or `slippageTicks`
 *   ticks, rounded to the tick away from the order's favour (buys up, sells down).
 * - `maxVolumeShare` caps one bar's fill at that share of the bar's volume (in lots for F&O); the rest
 *   fills at later bars' opens (`remainder: 'carry'`) or is cancelled (`'cancel'`).
 * - Protective exits are evaluated inside each bar with the pessimistic rule: a bar that opens beyond the
 *   stop fills at the open (gap); otherwise, when both stop and target lie inside the bar's range, the
 *   stop is assumed to have been hit first. Trailing stops trail the extreme of *completed* bars only, so
 *   a bar's own high never lifts the stop it is tested against. Stops fill at the stop price with
 *   slippage; targets fill at the target (a resting limit) or at a better open. Exits ignore the volume cap.
 */
import type { Paise } from '@/common/money';
import type { Side } from '@/domain/market';

export interface FillOptions {
  at: 'open' | 'close';
  slippageBps: number;
  slippageTicks: number;
  /** 0 < share <= 1; 1 means no cap. */
  maxVolumeShare: number;
  remainder: 'carry' | 'cancel';
}

export const DEFAULT_FILL: FillOptions = {
  at: 'open',
  slippageBps: 0,
  slippageTicks: 0,
  maxVolumeShare: 1,
  remainder: 'carry',
};

/** Price after slippage, on the tick grid, never below one tick. */
export function slipped(price: Paise, side: Side, opts: FillOptions, tick: Paise): Paise {
  if (opts.slippageBps === 0 && opts.slippageTicks === 0) return price;
  const dir = side === 'BUY' ? 1 : -1;
  const raw = price * (1 + (dir * opts.slippageBps) / 10_000) + dir * opts.slippageTicks * tick;
  const onGrid = side === 'BUY' ? Math.ceil(raw / tick - 1e-9) * tick : Math.floor(raw / tick + 1e-9) * tick;
  return Math.max(tick, onGrid);
}

/** Quantity one bar can fill under the volume cap, in whole lots. */
export function cappedQuantity(
  wanted: number,
  barVolume: number,
  opts: FillOptions,
  lotSize: number,
): number {
  if (opts.maxVolumeShare >= 1) return wanted;
  const allowed = Math.floor((barVolume * opts.maxVolumeShare) / lotSize) * lotSize;
  return Math.min(wanted, allowed);
}

export interface ProtectiveLevels {
  stopPaise?: Paise;
  targetPaise?: Paise;
  trailPaise?: Paise;
  /** Best price reached by completed bars since entry (highest high long, lowest low short). */
  anchorPaise: Paise;
}

export type ExitReason = 'STOP_LOSS' | 'TAKE_PROFIT' | 'TRAILING_STOP';

/** The effective stop: the tighter of the fixed stop and the trailing stop. */
export function effectiveStop(
  long: boolean,
  lv: ProtectiveLevels,
): { price: Paise; reason: ExitReason } | undefined {
  let stop: { price: Paise; reason: ExitReason } | undefined =
    lv.stopPaise !== undefined ? { price: lv.stopPaise, reason: 'STOP_LOSS' } : undefined;
  if (lv.trailPaise !== undefined) {
    const trail = long ? lv.anchorPaise - lv.trailPaise : lv.anchorPaise + lv.trailPaise;
    if (!stop || (long ? trail > stop.price : trail < stop.price))
      stop = { price: trail, reason: 'TRAILING_STOP' };
  }
  return stop;
}

/**
 * Did a protective level trigger inside this bar? Returns the exit price (before slippage for stops)
 * and reason, or undefined. `long` is the position's direction.
 */
export function protectiveExit(
  long: boolean,
  lv: ProtectiveLevels,
  open: Paise,
  high: Paise,
  low: Paise,
): { price: Paise; reason: ExitReason; isStop: boolean } | undefined {
  const stop = effectiveStop(long, lv);
  const target = lv.targetPaise;
  if (stop && (long ? open <= stop.price : open >= stop.price))
    return { price: open, reason: stop.reason, isStop: true };
  if (target !== undefined && (long ? open >= target : open <= target))
    return { price: open, reason: 'TAKE_PROFIT', isStop: false };
  if (stop && (long ? low <= stop.price : high >= stop.price))
    return { price: stop.price, reason: stop.reason, isStop: true };
  if (target !== undefined && (long ? high >= target : low <= target))
    return { price: target, reason: 'TAKE_PROFIT', isStop: false };
  return undefined;
}
