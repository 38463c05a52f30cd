/**
 * Pre-send validation and routing, pure: lot and tick checks, market orders as marketable limits inside
 * a protection band, F&O slicing above the freeze quantity, NSE/BSE best-side choice. Every decision is
 * returned as data so it is recorded on the order.
 */
import type { Paise } from '@/common/money';
import type { Exchange, Instrument, OrderType, Side, Tick } from '@/domain/market';

export interface OrderShape {
  side: Side;
  quantity: number;
  type: OrderType;
  pricePaise?: Paise | null;
  triggerPricePaise?: Paise | null;
}

export type ValidationResult =
  | { ok: true }
  | {
      ok: false;
      reason:
        'LOT_SIZE' | 'TICK_SIZE' | 'ZERO_QUANTITY' | 'PRICE_REQUIRED' | 'TRIGGER_REQUIRED' | 'TRIGGER_SIDE';
      message: string;
    };

export function validateOrderShape(
  o: OrderShape,
  inst: Pick<Instrument, 'lotSize' | 'tickSizePaise'>,
): ValidationResult {
  if (!Number.isInteger(o.quantity) || o.quantity <= 0)
    return { ok: false, reason: 'ZERO_QUANTITY', message: 'quantity must be a positive integer' };
  const lot = Math.max(1, inst.lotSize);
  if (o.quantity % lot !== 0)
    return {
      ok: false,
      reason: 'LOT_SIZE',
      message: `quantity ${o.quantity} is not a multiple of the lot size ${lot}`,
    };
  const needsPrice = o.type === 'LIMIT' || o.type === 'SL';
  const needsTrigger = o.type === 'SL' || o.type === 'SL-M';
  if (needsPrice && !o.pricePaise)
    return { ok: false, reason: 'PRICE_REQUIRED', message: `${o.type} orders need a price` };
  if (needsTrigger && !o.triggerPricePaise)
    return { ok: false, reason: 'TRIGGER_REQUIRED', message: `${o.type} orders need a trigger price` };
  const tick = Math.max(1, inst.tickSizePaise);
  for (const [name, v] of [
    ['price', o.pricePaise],
    ['trigger price', o.triggerPricePaise],
  ] as const) {
    if (v !== undefined && v !== null && (v <= 0 || v % tick !== 0))
      return {
        ok: false,
        reason: 'TICK_SIZE',
        message: `${name} ${v} paise is not a positive multiple of the tick size ${tick} paise`,
      };
  }
  if (o.type === 'SL' && o.pricePaise && o.triggerPricePaise) {
    // A stop-limit buy triggers at or below its limit, a sell at or above: otherwise it can never fill.
    const bad = o.side === 'BUY' ? o.triggerPricePaise > o.pricePaise : o.triggerPricePaise < o.pricePaise;
    if (bad)
      return {
        ok: false,
        reason: 'TRIGGER_SIDE',
        message: 'trigger price is on the wrong side of the limit price',
      };
  }
  return { ok: true };
}

/** The marketable limit price for a market order: LTP moved by the band, rounded outward to the tick. */
export function protectionLimitPaise(
  side: Side,
  ltpPaise: Paise,
  bandPercent: number,
  tickSizePaise: Paise,
  circuit?: { upper?: Paise; lower?: Paise },
): Paise {
  const tick = Math.max(1, tickSizePaise);
  const raw =
    side === 'BUY' ? (ltpPaise * (100 + bandPercent)) / 100 : (ltpPaise * (100 - bandPercent)) / 100;
  let p = side === 'BUY' ? Math.floor(raw / tick) * tick : Math.ceil(raw / tick) * tick;
  if (side === 'BUY' && circuit?.upper) p = Math.min(p, circuit.upper);
  if (side === 'SELL' && circuit?.lower) p = Math.max(p, circuit.lower);
  return Math.max(tick, p);
}

/** Slices of at most `freezeQty` (rounded down to lots) that add up to `quantity`. */
export function sliceQuantities(quantity: number, freezeQty: number | undefined, lotSize: number): number[] {
  const lot = Math.max(1, lotSize);
  if (!freezeQty || quantity <= freezeQty) return [quantity];
  const max = Math.max(lot, Math.floor(freezeQty / lot) * lot);
  const out: number[] = [];
  for (let left = quantity; left > 0; left -= Math.min(left, max)) out.push(Math.min(left, max));
  return out;
}

export interface SideQuote {
  exchange: 'NSE' | 'BSE';
  bestBidPaise?: Paise;
  bestAskPaise?: Paise;
  bidQuantity?: number;
  askQuantity?: number;
}

/**
 * Picks the exchange with the better touch for the order's side, preferring a side whose depth covers
 * the quantity; ties stay on the requested exchange.
 */
export function bestExchange(
  side: Side,
  quantity: number,
  requested: SideQuote,
  other: SideQuote | undefined,
): { exchange: 'NSE' | 'BSE'; why: string } {
  if (!other) return { exchange: requested.exchange, why: 'single listing' };
  const px = (q: SideQuote) => (side === 'BUY' ? q.bestAskPaise : q.bestBidPaise);
  const depth = (q: SideQuote) => (side === 'BUY' ? q.askQuantity : q.bidQuantity) ?? 0;
  const a = px(requested);
  const b = px(other);
  if (b === undefined || b <= 0) return { exchange: requested.exchange, why: `no ${other.exchange} quote` };
  if (a === undefined || a <= 0) return { exchange: other.exchange, why: `no ${requested.exchange} quote` };
  const covers = (q: SideQuote) => depth(q) >= quantity;
  if (covers(requested) !== covers(other)) {
    const pick = covers(requested) ? requested : other;
    return { exchange: pick.exchange, why: `only ${pick.exchange} depth covers ${quantity}` };
  }
  const better = side === 'BUY' ? b < a : b > a;
  return better
    ? { exchange: other.exchange, why: `better ${side === 'BUY' ? 'ask' : 'bid'} ${b} vs ${a}` }
    : { exchange: requested.exchange, why: 'requested side as good or better' };
}

/**
 * Where the same stock may be listed on the other cash exchange, most likely first: Angel One lists NSE
 * equities as `SBIN-EQ` and BSE ones as `SBIN`.
 */
export function counterpartSymbols(inst: Pick<Instrument, 'exchange' | 'tradingSymbol'>): string[] {
  if (inst.exchange !== 'NSE' && inst.exchange !== 'BSE') return [];
  const base = inst.tradingSymbol.replace(/-(EQ|BE)$/, '');
  return inst.exchange === 'NSE' ? [`BSE:${base}`, `BSE:${base}-EQ`] : [`NSE:${base}-EQ`, `NSE:${base}`];
}

/** The touch and depth of a tick, for `bestExchange`. */
export function sideQuoteOf(exchange: 'NSE' | 'BSE', t: Pick<Tick, 'bids' | 'asks'> | undefined): SideQuote {
  const sum = (levels: Tick['bids']) => (levels ?? []).reduce((s, l) => s + l.quantity, 0);
  return {
    exchange,
    bestBidPaise: t?.bids?.[0]?.pricePaise,
    bestAskPaise: t?.asks?.[0]?.pricePaise,
    bidQuantity: t ? sum(t.bids) : undefined,
    askQuantity: t ? sum(t.asks) : undefined,
  };
}

/** `NSE=3,NFO=5` -> { NSE: 3, NFO: 5 }: the market protection band per exchange, in percent. */
export function parseProtectionBands(spec: string): Partial<Record<Exchange, number>> {
  const out: Partial<Record<Exchange, number>> = {};
  for (const pair of spec.split(',')) {
    const [ex, pct] = pair.split('=').map((x) => x.trim());
    if (ex && pct !== undefined && Number.isFinite(Number(pct))) out[ex as Exchange] = Number(pct);
  }
  return out;
}
