/**
 * The pure position book of one account: positions per instrument (all strategies netted) and per
 * strategy and instrument, P&L by average cost (see position-ledger.ts), day P&L from a baseline taken
 * at the start of each IST trading day. No I/O, no clock: the backtester, the paper engine and the
 * portfolio service all feed it fills and marks.
 */
import type { Paise } from '@/common/money';
import type { OrderFill } from '@/domain/execution';
import { istDayStart } from '@/risk/ist-time';
import {
  applyFill,
  averagePricePaise,
  emptyLedger,
  unrealisedPaise,
  type FillEffect,
  type Ledger,
} from './position-ledger';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Key of fills with no strategy (manual orders through the API). */
export const MANUAL_STRATEGY = '';

export interface PositionSnapshot {
  symbol: string;
  strategyId?: string;
  quantity: number;
  averagePricePaise: number;
  costPaise: Paise;
  markPaise: Paise | null;
  realisedPaise: Paise;
  unrealisedPaise: Paise;
  chargesPaise: Paise;
  buyQuantity: number;
  sellQuantity: number;
  buyValuePaise: Paise;
  sellValuePaise: Paise;
}

export interface PnlTotals {
  realisedPaise: Paise;
  unrealisedPaise: Paise;
  chargesPaise: Paise;
  /** realised + unrealised - charges. */
  netPaise: Paise;
}

export interface BookFillResult extends FillEffect {
  /** False when the fill was a repeat (same orderId and tradeId) and changed nothing. */
  applied: boolean;
}

export class PositionBook {
  private readonly bySymbol = new Map<string, Ledger>();
  /** strategyId -> symbol -> ledger. */
  private readonly byStrategy = new Map<string, Map<string, Ledger>>();
  private readonly seenTrades = new Set<string>();
  private dayStart = Number.NEGATIVE_INFINITY;
  private dayBaseline: PnlTotals = zeroTotals();
  private strategyBaseline = new Map<string, Paise>();
  private strategyOrdersToday = new Map<string, Set<string>>();
  private streak = { count: 0, lastLossAt: null as number | null };

  /** Applies a fill (rolling the trading day first if the fill is in a later IST day). */
  apply(fill: OrderFill): BookFillResult {
    if (
      !Number.isSafeInteger(fill.quantity) ||
      fill.quantity <= 0 ||
      !Number.isSafeInteger(fill.pricePaise) ||
      fill.pricePaise <= 0
    ) {
      throw new RangeError(
        `invalid fill for ${fill.symbol}: quantity ${fill.quantity}, price ${fill.pricePaise}`,
      );
    }
    this.ensureDay(fill.time);
    if (fill.tradeId !== undefined) {
      const key = `${fill.orderId}|${fill.tradeId}`;
      if (this.seenTrades.has(key))
        return { applied: false, realisedPaise: 0, closedQuantity: 0, openedQuantity: 0 };
      this.seenTrades.add(key);
    }
    const sid = fill.strategyId ?? MANUAL_STRATEGY;
    const effect = applyFill(
      this.ledger(fill.symbol),
      fill.side,
      fill.quantity,
      fill.pricePaise,
      fill.chargesPaise,
    );
    applyFill(
      this.strategyLedger(sid, fill.symbol),
      fill.side,
      fill.quantity,
      fill.pricePaise,
      fill.chargesPaise,
    );
    let orders = this.strategyOrdersToday.get(sid);
    if (!orders) this.strategyOrdersToday.set(sid, (orders = new Set()));
    orders.add(fill.orderId);
    if (effect.closedQuantity > 0) {
      if (effect.realisedPaise < 0) {
        this.streak.count++;
        this.streak.lastLossAt = fill.time;
      } else if (effect.realisedPaise > 0) {
        this.streak.count = 0;
      }
    }
    return { applied: true, ...effect };
  }

  /** Marks every ledger of `symbol` to the latest traded price. */
  mark(symbol: string, pricePaise: Paise, time?: number): void {
    const p = this.bySymbol.get(symbol);
    if (p) {
      p.markPaise = pricePaise;
      p.markTime = time;
    }
    for (const m of this.byStrategy.values()) {
      const q = m.get(symbol);
      if (q) {
        q.markPaise = pricePaise;
        q.markTime = time;
      }
    }
  }

  /** Rolls the day when `t` is past the current trading day (a scheduler calls it when no fill does). */
  ensureDay(t: number): boolean {
    if (t < this.dayStart + DAY_MS) return false;
    this.startDay(t);
    return true;
  }

  /**
   * Starts the IST trading day containing `t`: day P&L is measured from the totals at this moment,
   * per-strategy trade counts and the losing streak restart. Called automatically by a later day's fill.
   */
  startDay(t: number): void {
    this.dayStart = istDayStart(t);
    this.dayBaseline = this.totals();
    this.strategyBaseline = new Map(
      [...this.byStrategy.keys()].map((sid) => [sid, this.strategyTotals(sid).netPaise]),
    );
    this.strategyOrdersToday.clear();
    this.seenTrades.clear();
    this.streak = { count: 0, lastLossAt: null };
  }

  quantity(symbol: string): number {
    return this.bySymbol.get(symbol)?.quantity ?? 0;
  }

  strategyQuantity(strategyId: string, symbol: string): number {
    return this.byStrategy.get(strategyId)?.get(symbol)?.quantity ?? 0;
  }

  position(symbol: string): PositionSnapshot | undefined {
    const p = this.bySymbol.get(symbol);
    return p && snapshot(p);
  }

  /** Account-level positions; `includeFlat` adds closed ones (they carry the day's realised P&L). */
  positions(includeFlat = false): PositionSnapshot[] {
    return [...this.bySymbol.values()].filter((p) => includeFlat || p.quantity !== 0).map((p) => snapshot(p));
  }

  strategyPositions(strategyId?: string, includeFlat = false): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    for (const [sid, m] of this.byStrategy) {
      if (strategyId !== undefined && sid !== strategyId) continue;
      for (const p of m.values()) if (includeFlat || p.quantity !== 0) out.push(snapshot(p, sid));
    }
    return out;
  }

  /** Open ledgers, for the risk view (no copying on the hot path). */
  openLedgers(): Ledger[] {
    const out: Ledger[] = [];
    for (const p of this.bySymbol.values()) if (p.quantity !== 0) out.push(p);
    return out;
  }

  lastMark(symbol: string): { pricePaise: Paise; time?: number } | undefined {
    const p = this.bySymbol.get(symbol);
    return p?.markPaise === undefined ? undefined : { pricePaise: p.markPaise, time: p.markTime };
  }

  totals(): PnlTotals {
    return sumLedgers(this.bySymbol.values());
  }

  strategyTotals(strategyId: string): PnlTotals {
    const m = this.byStrategy.get(strategyId);
    return m ? sumLedgers(m.values()) : zeroTotals();
  }

  /** Net P&L (after charges) since the start of the trading day. */
  dayPnl(): PnlTotals {
    const t = this.totals();
    const b = this.dayBaseline;
    return {
      realisedPaise: t.realisedPaise - b.realisedPaise,
      unrealisedPaise: t.unrealisedPaise - b.unrealisedPaise,
      chargesPaise: t.chargesPaise - b.chargesPaise,
      netPaise: t.netPaise - b.netPaise,
    };
  }

  strategyDayPnlPaise(strategyId: string): Paise {
    return this.strategyTotals(strategyId).netPaise - (this.strategyBaseline.get(strategyId) ?? 0);
  }

  strategyTradesToday(strategyId: string): number {
    return this.strategyOrdersToday.get(strategyId)?.size ?? 0;
  }

  lossStreak(): { count: number; lastLossAt: number | null } {
    return { ...this.streak };
  }

  strategies(): string[] {
    return [...this.byStrategy.keys()];
  }

  private ledger(symbol: string): Ledger {
    let p = this.bySymbol.get(symbol);
    if (!p) this.bySymbol.set(symbol, (p = emptyLedger(symbol)));
    return p;
  }

  private strategyLedger(sid: string, symbol: string): Ledger {
    let m = this.byStrategy.get(sid);
    if (!m) this.byStrategy.set(sid, (m = new Map()));
    let p = m.get(symbol);
    if (!p) {
      p = emptyLedger(symbol);
      const account = this.bySymbol.get(symbol);
      if (account?.markPaise !== undefined) {
        p.markPaise = account.markPaise;
        p.markTime = account.markTime;
      }
      m.set(symbol, p);
    }
    return p;
  }
}

function zeroTotals(): PnlTotals {
  return { realisedPaise: 0, unrealisedPaise: 0, chargesPaise: 0, netPaise: 0 };
}

function sumLedgers(ledgers: Iterable<Ledger>): PnlTotals {
  const t = zeroTotals();
  for (const p of ledgers) {
    t.realisedPaise += p.realisedPaise;
    t.unrealisedPaise += unrealisedPaise(p);
    t.chargesPaise += p.chargesPaise;
  }
  t.netPaise = t.realisedPaise + t.unrealisedPaise - t.chargesPaise;
  return t;
}

function snapshot(p: Ledger, strategyId?: string): PositionSnapshot {
  return {
    symbol: p.symbol,
    ...(strategyId !== undefined ? { strategyId } : {}),
    quantity: p.quantity,
    averagePricePaise: averagePricePaise(p),
    costPaise: p.costPaise,
    markPaise: p.markPaise ?? null,
    realisedPaise: p.realisedPaise,
    unrealisedPaise: unrealisedPaise(p),
    chargesPaise: p.chargesPaise,
    buyQuantity: p.buyQuantity,
    sellQuantity: p.sellQuantity,
    buyValuePaise: p.buyValuePaise,
    sellValuePaise: p.sellValuePaise,
  };
}
