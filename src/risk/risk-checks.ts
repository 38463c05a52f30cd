/**
 * The individual pre-trade checks. Each takes the facts gathered once per order (`CheckContext`) and
 * returns a refusal or null. Pure: no clock, no I/O, no throws.
 */
import { paiseToRupees, type Paise } from '@/common/money';
import type { RiskOutcome, RiskReason } from '@/domain/execution';
import type { InstrumentSpec, LastTick, RiskCheckInput, RiskLimits, RiskView } from './risk-types';

export type Refusal = Extract<RiskOutcome, { accepted: false }>;

export interface CheckContext {
  input: RiskCheckInput;
  view: RiskView;
  limits: RiskLimits;
  now: number;
  spec: InstrumentSpec;
  tick: LastTick | undefined;
  /** The order only shrinks the position (after resting orders on its side), so it is an exit. */
  reducing: boolean;
  /** Price the order is valued at: LTP for market, limit price for LIMIT/SL, trigger for SL-M. */
  refPricePaise: Paise | undefined;
}

export function refuse(reason: RiskReason, message: string): Refusal {
  return { accepted: false, reason, message };
}

const rs = (p: Paise) => `Rs ${paiseToRupees(Math.round(p))}`;

/** Missing or non-positive prices, and prices off the instrument's tick grid. */
export function checkPrices(input: RiskCheckInput, spec: InstrumentSpec): Refusal | null {
  const needsPrice = input.type === 'LIMIT' || input.type === 'SL';
  const needsTrigger = input.type === 'SL' || input.type === 'SL-M';
  for (const [name, value, needed] of [
    ['price', input.pricePaise, needsPrice],
    ['trigger price', input.triggerPricePaise, needsTrigger],
  ] as const) {
    if (value === undefined) {
      if (needed) return refuse('INVALID_PRICE', `${input.type} order needs a ${name}`);
      continue;
    }
    if (!Number.isSafeInteger(value) || value <= 0)
      return refuse('INVALID_PRICE', `${name} must be a positive paise amount`);
    if (spec.tickSizePaise > 0 && value % spec.tickSizePaise !== 0) {
      return refuse(
        'TICK_SIZE',
        `${name} ${rs(value)} is not a multiple of the tick size ${rs(spec.tickSizePaise)}`,
      );
    }
  }
  return null;
}

/** Limit prices must sit within the band around LTP: a typo of a digit is refused, not sent. */
export function checkPriceBand(c: CheckContext): Refusal | null {
  const band = c.limits.priceBandPercent;
  if (band <= 0 || c.input.type !== 'LIMIT' || !c.tick || c.input.pricePaise === undefined) return null;
  const ltp = c.tick.pricePaise;
  if (Math.abs(c.input.pricePaise - ltp) * 100 > band * ltp) {
    return refuse('PRICE_BAND', `limit ${rs(c.input.pricePaise)} is more than ${band}% from LTP ${rs(ltp)}`);
  }
  return null;
}

export function checkFatFinger(c: CheckContext): Refusal | null {
  const { maxOrderQuantity, maxOrderNotionalPaise } = c.limits;
  if (maxOrderQuantity > 0 && c.input.quantity > maxOrderQuantity) {
    return refuse(
      'MAX_ORDER_QUANTITY',
      `quantity ${c.input.quantity} exceeds the per-order maximum ${maxOrderQuantity}`,
    );
  }
  if (maxOrderNotionalPaise > 0 && c.refPricePaise !== undefined) {
    const notional = c.input.quantity * c.refPricePaise;
    if (notional > maxOrderNotionalPaise) {
      return refuse(
        'MAX_ORDER_NOTIONAL',
        `order value ${rs(notional)} exceeds the per-order maximum ${rs(maxOrderNotionalPaise)}`,
      );
    }
  }
  return null;
}

/** Account-wide and per-strategy loss limits; they stop entries only, so positions can still be closed. */
export function checkLosses(c: CheckContext): Refusal | null {
  const { limits, view, now } = c;
  if (limits.maxDailyLossPaise > 0) {
    const pnl = view.dayPnlPaise();
    if (pnl <= -limits.maxDailyLossPaise) {
      return refuse(
        'MAX_DAILY_LOSS',
        `day P&L ${rs(pnl)} has reached the daily loss limit ${rs(limits.maxDailyLossPaise)}`,
      );
    }
  }
  if (limits.maxDrawdownPercent > 0) {
    const peak = view.peakEquityPaise();
    const equity = view.equityPaise();
    if (peak > 0 && (peak - equity) * 100 >= limits.maxDrawdownPercent * peak) {
      const dd = (((peak - equity) * 100) / peak).toFixed(2);
      return refuse(
        'MAX_DRAWDOWN',
        `drawdown ${dd}% from peak ${rs(peak)} has reached the limit ${limits.maxDrawdownPercent}%`,
      );
    }
  }
  if (limits.lossCooldownCount > 0 && limits.lossCooldownSeconds > 0) {
    const streak = view.lossStreak();
    if (streak.count >= limits.lossCooldownCount && streak.lastLossAt !== null) {
      const until = streak.lastLossAt + limits.lossCooldownSeconds * 1000;
      if (now < until) {
        return refuse(
          'LOSS_COOLDOWN',
          `${streak.count} losing exits in a row; entries resume in ${Math.ceil((until - now) / 1000)} s`,
        );
      }
    }
  }
  const sid = c.input.strategyId;
  if (sid === undefined) return null;
  const override = limits.strategyOverrides[sid];
  const maxLoss = override?.maxDailyLossPaise ?? limits.strategyMaxDailyLossPaise;
  const maxTrades = override?.maxTradesPerDay ?? limits.strategyMaxTradesPerDay;
  if (maxLoss <= 0 && maxTrades <= 0) return null;
  const stats = view.strategyStats(sid);
  if (maxLoss > 0 && stats.dayPnlPaise <= -maxLoss) {
    return refuse(
      'STRATEGY_DAILY_LOSS',
      `strategy ${sid} day P&L ${rs(stats.dayPnlPaise)} has reached its limit ${rs(maxLoss)}`,
    );
  }
  if (maxTrades > 0) {
    let resting = 0;
    for (const o of view.openOrders()) if (o.strategyId === sid) resting++;
    if (stats.tradesToday + resting >= maxTrades) {
      return refuse(
        'STRATEGY_TRADE_COUNT',
        `strategy ${sid} has ${stats.tradesToday} trades and ${resting} open orders today (limit ${maxTrades})`,
      );
    }
  }
  return null;
}

/**
 * Position size, open-position count and gross/net exposure, valued worst case: resting orders that add
 * to a position count as if filled, so ten resting orders cannot each pass a limit they break together.
 */
export function checkExposure(c: CheckContext): Refusal | null {
  const { input, view, limits } = c;
  const resting = restingBySymbol(view);
  const pos = view.positionQuantity(input.symbol);
  const mine = resting.get(input.symbol) ?? { buy: 0, sell: 0 };
  const signed = input.side === 'BUY' ? pos + mine.buy + input.quantity : pos - mine.sell - input.quantity;
  const price = c.tick?.pricePaise ?? c.refPricePaise ?? 0;
  const notional = Math.abs(signed) * price;
  if (limits.maxPositionNotionalPaise > 0 && notional > limits.maxPositionNotionalPaise) {
    return refuse(
      'MAX_POSITION_SIZE',
      `position value ${rs(notional)} in ${input.symbol} would exceed the limit ${rs(limits.maxPositionNotionalPaise)}`,
    );
  }
  const positions = view.positions();
  if (limits.maxOpenPositions > 0 && pos === 0 && mine.buy === 0 && mine.sell === 0) {
    const occupied = new Set<string>();
    for (const p of positions) occupied.add(p.symbol);
    for (const s of resting.keys()) occupied.add(s);
    occupied.delete(input.symbol);
    if (occupied.size >= limits.maxOpenPositions) {
      return refuse(
        'MAX_OPEN_POSITIONS',
        `${occupied.size} instruments already open (limit ${limits.maxOpenPositions})`,
      );
    }
  }
  if (limits.maxGrossExposurePaise <= 0 && limits.maxNetExposurePaise <= 0) return null;
  let gross = notional;
  let net = signed * price;
  for (const p of positions) {
    if (p.symbol === input.symbol) continue;
    const r = resting.get(p.symbol);
    const worst = r
      ? Math.max(Math.abs(p.quantity + r.buy), Math.abs(p.quantity - r.sell))
      : Math.abs(p.quantity);
    gross += worst * p.markPaise;
    net += p.quantity * p.markPaise;
  }
  for (const o of view.openOrders()) {
    if (o.symbol === input.symbol || view.positionQuantity(o.symbol) !== 0) continue;
    gross += o.remainingQuantity * (o.pricePaise ?? view.lastTick(o.symbol)?.pricePaise ?? 0);
  }
  if (limits.maxGrossExposurePaise > 0 && gross > limits.maxGrossExposurePaise) {
    return refuse(
      'MAX_GROSS_EXPOSURE',
      `gross exposure ${rs(gross)} would exceed the limit ${rs(limits.maxGrossExposurePaise)}`,
    );
  }
  if (limits.maxNetExposurePaise > 0 && Math.abs(net) > limits.maxNetExposurePaise) {
    return refuse(
      'MAX_NET_EXPOSURE',
      `net exposure ${rs(net)} would exceed the limit ${rs(limits.maxNetExposurePaise)}`,
    );
  }
  return null;
}

export function restingBySymbol(view: RiskView): Map<string, { buy: number; sell: number }> {
  const m = new Map<string, { buy: number; sell: number }>();
  for (const o of view.openOrders()) {
    let r = m.get(o.symbol);
    if (!r) m.set(o.symbol, (r = { buy: 0, sell: 0 }));
    if (o.side === 'BUY') r.buy += o.remainingQuantity;
    else r.sell += o.remainingQuantity;
  }
  return m;
}
