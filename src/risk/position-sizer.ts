/**
 * Position sizing: how many units a signal should trade. Every method rounds DOWN to whole lots and is
 * then capped by the quantity and notional caps, so a size never exceeds a limit; a size that rounds to
 * zero is an outcome (`quantity: 0` with a reason), not an error.
 */
import type { Paise } from '@/common/money';

export type SizingMethod =
  | { kind: 'FIXED_QUANTITY'; quantity: number }
  | { kind: 'FIXED_NOTIONAL'; notionalPaise: Paise }
  /** Risk `riskPercent` of equity between entry and the signal's stop (`RISK_PERCENTAGE`). */
  | { kind: 'FIXED_FRACTIONAL'; riskPercent: number }
  /** Risk `riskPercent` of equity over a stop `atrMultiple` ATRs away: smaller size when volatile. */
  | { kind: 'ATR'; riskPercent: number; atrMultiple: number };

export interface SizingInput {
  method: SizingMethod;
  /** Expected entry price (LTP or limit price). */
  pricePaise: Paise;
  equityPaise: Paise;
  lotSize: number;
  stopLossPaise?: Paise;
  /** Average true range in paise, for the ATR method. */
  atrPaise?: Paise;
  /** 0..1; when `scaleByStrength` is set the base size is multiplied by it before rounding. */
  strength?: number;
  scaleByStrength?: boolean;
  /** Hard caps (0 or undefined = none): max order quantity, max order notional, room left under the position limit. */
  maxQuantity?: number;
  maxNotionalPaise?: Paise;
}

export type SizingSkip = 'NO_PRICE' | 'NO_STOP' | 'NO_ATR' | 'NO_EQUITY' | 'BELOW_ONE_LOT';

export interface SizingResult {
  quantity: number;
  /** Set when the quantity is 0, or when a cap reduced it. */
  skip?: SizingSkip;
  capped?: boolean;
}

export function sizePosition(input: SizingInput): SizingResult {
  const { method, pricePaise, equityPaise } = input;
  const lot = Math.max(1, Math.trunc(input.lotSize) || 1);
  if (!(pricePaise > 0)) return { quantity: 0, skip: 'NO_PRICE' };
  let raw: number;
  switch (method.kind) {
    case 'FIXED_QUANTITY':
      raw = method.quantity;
      break;
    case 'FIXED_NOTIONAL':
      raw = method.notionalPaise / pricePaise;
      break;
    case 'FIXED_FRACTIONAL': {
      if (!(equityPaise > 0)) return { quantity: 0, skip: 'NO_EQUITY' };
      const stop = input.stopLossPaise;
      const distance = stop === undefined ? 0 : Math.abs(pricePaise - stop);
      if (!(distance > 0)) return { quantity: 0, skip: 'NO_STOP' };
      raw = (equityPaise * method.riskPercent) / 100 / distance;
      break;
    }
    case 'ATR': {
      if (!(equityPaise > 0)) return { quantity: 0, skip: 'NO_EQUITY' };
      const distance = (input.atrPaise ?? 0) * method.atrMultiple;
      if (!(distance > 0)) return { quantity: 0, skip: 'NO_ATR' };
      raw = (equityPaise * method.riskPercent) / 100 / distance;
      break;
    }
  }
  if (input.scaleByStrength && input.strength !== undefined) raw *= Math.min(1, Math.max(0, input.strength));
  let quantity = floorToLot(raw, lot);
  let capped = false;
  if (input.maxQuantity && input.maxQuantity > 0 && quantity > input.maxQuantity) {
    quantity = floorToLot(input.maxQuantity, lot);
    capped = true;
  }
  if (
    input.maxNotionalPaise &&
    input.maxNotionalPaise > 0 &&
    quantity * pricePaise > input.maxNotionalPaise
  ) {
    quantity = floorToLot(input.maxNotionalPaise / pricePaise, lot);
    // The epsilon in floorToLot must never carry the size over the cap.
    if (quantity * pricePaise > input.maxNotionalPaise) quantity -= lot;
    capped = true;
  }
  if (quantity <= 0) return { quantity: 0, skip: 'BELOW_ONE_LOT', capped };
  return capped ? { quantity, capped } : { quantity };
}

/** Whole lots at or below `units`; a tiny epsilon keeps 2.9999999 (float division) from losing a lot. */
export function floorToLot(units: number, lotSize: number): number {
  if (!Number.isFinite(units) || units <= 0) return 0;
  const lots = Math.floor(units / lotSize + 1e-9);
  return lots * lotSize;
}
