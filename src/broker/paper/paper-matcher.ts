/**
 * Where a paper order fills against one quote snapshot, and how much of it. Pure functions, no state.
 *
 * - Buys take the asks and sells take the bids, best level first, walking down the depth for size:
 *   never the LTP. What the snapshot shows is all there is; the rest waits for the next snapshot
 *   (the backtester's `remainder: 'carry'`) or is cancelled for IOC.
 * - `maxDepthShare` takes only that share of each level's shown quantity (the backtester's volume cap),
 *   and quantities are rounded down to whole lots.
 * - `consumed` is what earlier orders already took from this same snapshot, so two paper orders never
 *   fill against the same displayed quantity twice.
 * - A limit only takes levels at or better than its price. An order that was already resting when the
 *   quote crossed it fills at its own limit price (it had time priority on the book), not at the level.
 * - Slippage (`slipped` from the backtest fill model) moves market fills further against the order.
 */
import { slipped } from '@/backtest/fill-model';
import type { Paise } from '@/common/money';
import type { DepthLevel, Side, Tick } from '@/domain/market';

export interface PaperFillOptions {
  /** 0 < share <= 1 of each depth level's displayed quantity an order may take; 1 means all of it. */
  maxDepthShare: number;
  /** Extra adverse slippage on market fills, in basis points and in ticks. */
  slippageBps: number;
  slippageTicks: number;
}

export const DEFAULT_PAPER_FILL: PaperFillOptions = { maxDepthShare: 1, slippageBps: 0, slippageTicks: 0 };

export interface DepthFill {
  quantity: number;
  pricePaise: Paise;
}

export interface MatchRequest {
  side: Side;
  /** Quantity still to fill. */
  quantity: number;
  /** The limit; undefined for a market order. */
  limitPaise?: Paise;
  /** True when the order rested on the book before this snapshot: it fills at its own limit. */
  resting: boolean;
  lotSize: number;
  tickSizePaise: Paise;
}

/** Levels an order of `side` can take, best first, empty and malformed levels dropped. */
export function takeableLevels(tick: Pick<Tick, 'bids' | 'asks'>, side: Side): DepthLevel[] {
  const raw = (side === 'BUY' ? tick.asks : tick.bids) ?? [];
  const levels = raw.filter((l) => l.pricePaise > 0 && l.quantity > 0);
  return levels.sort((a, b) => (side === 'BUY' ? a.pricePaise - b.pricePaise : b.pricePaise - a.pricePaise));
}

/** True when the snapshot shows depth on the side this order would take. */
export function hasDepth(tick: Pick<Tick, 'bids' | 'asks'>, side: Side): boolean {
  return takeableLevels(tick, side).length > 0;
}

/** The price a new order of `side` would see first (best ask for a buy, best bid for a sell). */
export function touchPrice(tick: Pick<Tick, 'bids' | 'asks'>, side: Side): Paise | undefined {
  return takeableLevels(tick, side)[0]?.pricePaise;
}

/**
 * Fills for one order against one snapshot, updating `consumed` (price -> quantity already taken on
 * this side of this snapshot). Returns one fill per level touched, in the order they were taken.
 */
export function matchAgainstDepth(
  tick: Pick<Tick, 'bids' | 'asks'>,
  req: MatchRequest,
  consumed: Map<Paise, number>,
  opts: PaperFillOptions = DEFAULT_PAPER_FILL,
): DepthFill[] {
  const fills: DepthFill[] = [];
  let remaining = req.quantity;
  const lot = Math.max(1, req.lotSize);
  for (const level of takeableLevels(tick, req.side)) {
    if (remaining < lot) break;
    if (req.limitPaise !== undefined && !crosses(req.side, level.pricePaise, req.limitPaise)) break;
    const shown = Math.floor(level.quantity * Math.min(1, Math.max(0, opts.maxDepthShare)));
    const left = shown - (consumed.get(level.pricePaise) ?? 0);
    const take = Math.floor(Math.min(remaining, left) / lot) * lot;
    if (take <= 0) continue;
    consumed.set(level.pricePaise, (consumed.get(level.pricePaise) ?? 0) + take);
    remaining -= take;
    fills.push({ quantity: take, pricePaise: fillPrice(req, level.pricePaise, opts) });
  }
  return mergeSamePrice(fills);
}

/** A buy limit crosses an ask at or below it; a sell limit crosses a bid at or above it. */
export function crosses(side: Side, levelPaise: Paise, limitPaise: Paise): boolean {
  return side === 'BUY' ? levelPaise <= limitPaise : levelPaise >= limitPaise;
}

/** Exchange stop rule: a buy stop triggers when the last trade reaches the trigger from below, a sell stop from above. */
export function stopTriggered(side: Side, ltpPaise: Paise, triggerPaise: Paise): boolean {
  return side === 'BUY' ? ltpPaise >= triggerPaise : ltpPaise <= triggerPaise;
}

function fillPrice(req: MatchRequest, levelPaise: Paise, opts: PaperFillOptions): Paise {
  if (req.limitPaise !== undefined) return req.resting ? req.limitPaise : levelPaise;
  return slipped(
    levelPaise,
    req.side,
    {
      at: 'open',
      slippageBps: opts.slippageBps,
      slippageTicks: opts.slippageTicks,
      maxVolumeShare: 1,
      remainder: 'carry',
    },
    Math.max(1, req.tickSizePaise),
  );
}

/** A resting limit taking several crossed levels fills at one price: report it as one execution. */
function mergeSamePrice(fills: DepthFill[]): DepthFill[] {
  const out: DepthFill[] = [];
  for (const f of fills) {
    const last = out[out.length - 1];
    if (last && last.pricePaise === f.pricePaise) last.quantity += f.quantity;
    else out.push({ ...f });
  }
  return out;
}
