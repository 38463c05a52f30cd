/**
 * Accounting of one position by the AVERAGE COST method, in integer paise (see docs/risk.md):
 *
 * - Fills that open or add to a position add `quantity x price` to the cost basis.
 * - Fills that reduce it remove the closed share of the cost basis (proportionally, rounded to the
 *   paisa; the whole basis when the position closes) and realise `proceeds - removed cost` (long) or
 *   `removed cost - proceeds` (short). The average price of what remains does not change.
 * - A fill through zero closes the old position at the fill price, then opens the rest at that price.
 *
 * Invariant (exact, no float drift): realised - signedBasis = cash flow (sells - buys), so
 * realised + unrealised = cash flow + quantity x mark for any mark. Charges are kept apart.
 */
import type { Paise } from '@/common/money';
import type { Side } from '@/domain/market';

export interface Ledger {
  symbol: string;
  /** Signed net quantity: positive long, negative short. */
  quantity: number;
  /** Unsigned cost basis of the open quantity, integer paise. 0 when flat. */
  costPaise: Paise;
  realisedPaise: Paise;
  chargesPaise: Paise;
  buyQuantity: number;
  sellQuantity: number;
  buyValuePaise: Paise;
  sellValuePaise: Paise;
  /** Last traded price seen (tick or fill); undefined until one is known. */
  markPaise?: Paise;
  markTime?: number;
}

export function emptyLedger(symbol: string): Ledger {
  return {
    symbol,
    quantity: 0,
    costPaise: 0,
    realisedPaise: 0,
    chargesPaise: 0,
    buyQuantity: 0,
    sellQuantity: 0,
    buyValuePaise: 0,
    sellValuePaise: 0,
  };
}

export interface FillEffect {
  /** Realised P&L of this fill before charges. */
  realisedPaise: Paise;
  closedQuantity: number;
  openedQuantity: number;
}

/** Applies one fill in place. Quantity must be a positive integer and price a positive integer (paise). */
export function applyFill(
  p: Ledger,
  side: Side,
  quantity: number,
  pricePaise: Paise,
  chargesPaise: Paise,
): FillEffect {
  const dir = side === 'BUY' ? 1 : -1;
  const value = quantity * pricePaise;
  if (side === 'BUY') {
    p.buyQuantity += quantity;
    p.buyValuePaise += value;
  } else {
    p.sellQuantity += quantity;
    p.sellValuePaise += value;
  }
  p.chargesPaise += chargesPaise;
  if (p.markPaise === undefined) p.markPaise = pricePaise;

  if (p.quantity === 0 || Math.sign(p.quantity) === dir) {
    p.quantity += dir * quantity;
    p.costPaise += value;
    return { realisedPaise: 0, closedQuantity: 0, openedQuantity: quantity };
  }
  const open = Math.abs(p.quantity);
  const closed = Math.min(quantity, open);
  const removed = closed === open ? p.costPaise : Math.round((p.costPaise * closed) / open);
  const proceeds = closed * pricePaise;
  const realised = p.quantity > 0 ? proceeds - removed : removed - proceeds;
  p.realisedPaise += realised;
  p.costPaise -= removed;
  p.quantity += dir * closed;
  const rest = quantity - closed;
  if (rest > 0) {
    p.quantity = dir * rest;
    p.costPaise = rest * pricePaise;
  }
  return { realisedPaise: realised, closedQuantity: closed, openedQuantity: rest };
}

/** Unrealised P&L at the mark (or 0 when flat or never priced). */
export function unrealisedPaise(p: Ledger, markPaise: Paise | undefined = p.markPaise): Paise {
  if (p.quantity === 0 || markPaise === undefined) return 0;
  return p.quantity > 0 ? p.quantity * markPaise - p.costPaise : p.costPaise + p.quantity * markPaise;
}

/** Average price of the open quantity, in (possibly fractional) paise; 0 when flat. */
export function averagePricePaise(p: Ledger): number {
  return p.quantity === 0 ? 0 : p.costPaise / Math.abs(p.quantity);
}
