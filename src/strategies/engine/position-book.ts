/**
 * Positions attributed to one owner (a strategy instance or an aggregation group), built from fills.
 * Average-price accounting: adding to a position moves the average, reducing realises
 * (exit - average) * quantity, and a fill that crosses zero closes the trade and opens the other side
 * at the fill price. A round trip (flat -> open -> flat, or a flip) is one trade.
 */
import type { Paise } from '@/common/money';
import type { Side } from '@/domain/market';
import type { StrategyPosition } from '@/strategies/strategy.contract';

export interface ClosedTrade {
  symbol: string;
  side: 'LONG' | 'SHORT';
  quantity: number;
  openedAt: number;
  closedAt: number;
  pnlPaise: Paise;
  chargesPaise: Paise;
}

interface MutablePosition {
  symbol: string;
  quantity: number;
  avgPricePaise: number;
  openedAt: number;
  realisedPnlPaise: number;
  /** Realised P&L and charges of the trade in progress. */
  tradePnl: number;
  tradeCharges: number;
  tradeMaxQty: number;
}

const FLAT = (symbol: string): StrategyPosition => ({
  symbol,
  quantity: 0,
  avgPricePaise: 0,
  openedAt: 0,
  realisedPnlPaise: 0,
});

export class PositionBook {
  private readonly positions = new Map<string, MutablePosition>();
  realisedPnlPaise = 0;
  chargesPaise = 0;

  position(symbol: string): StrategyPosition {
    return this.positions.get(symbol) ?? FLAT(symbol);
  }

  all(): StrategyPosition[] {
    return [...this.positions.values()].filter((p) => p.quantity !== 0);
  }

  /** Unrealised P&L marked at `price(symbol)`; symbols without a price count as 0. */
  unrealisedPaise(price: (symbol: string) => number | undefined): Paise {
    let u = 0;
    for (const p of this.positions.values()) {
      const px = price(p.symbol);
      if (p.quantity !== 0 && px !== undefined) u += (px - p.avgPricePaise) * p.quantity;
    }
    return Math.round(u);
  }

  /**
   * Put back a position known from elsewhere (the portfolio's per-strategy ledger after a restart):
   * no trade is counted and no P&L realised; the next fills continue from it.
   */
  restore(symbol: string, quantity: number, avgPricePaise: number, openedAt: number): void {
    this.positions.set(symbol, {
      symbol,
      quantity,
      avgPricePaise: quantity === 0 ? 0 : avgPricePaise,
      openedAt: quantity === 0 ? 0 : openedAt,
      realisedPnlPaise: 0,
      tradePnl: 0,
      tradeCharges: 0,
      tradeMaxQty: Math.abs(quantity),
    });
  }

  /** Apply one fill; returns the trades it closed (zero, or one; a flip closes one and opens another). */
  applyFill(
    symbol: string,
    side: Side,
    quantity: number,
    pricePaise: Paise,
    chargesPaise: Paise,
    time: number,
  ): ClosedTrade[] {
    if (!(quantity > 0)) return [];
    let p = this.positions.get(symbol);
    if (!p) {
      p = {
        symbol,
        quantity: 0,
        avgPricePaise: 0,
        openedAt: 0,
        realisedPnlPaise: 0,
        tradePnl: 0,
        tradeCharges: 0,
        tradeMaxQty: 0,
      };
      this.positions.set(symbol, p);
    }
    this.chargesPaise += chargesPaise;
    p.tradeCharges += chargesPaise;
    const signed = side === 'BUY' ? quantity : -quantity;
    const closed: ClosedTrade[] = [];
    if (p.quantity === 0 || Math.sign(p.quantity) === Math.sign(signed)) {
      const newQty = p.quantity + signed;
      if (p.quantity === 0) p.openedAt = time;
      p.avgPricePaise = (p.avgPricePaise * Math.abs(p.quantity) + pricePaise * quantity) / Math.abs(newQty);
      p.quantity = newQty;
      p.tradeMaxQty = Math.max(p.tradeMaxQty, Math.abs(newQty));
      return closed;
    }
    const reduce = Math.min(quantity, Math.abs(p.quantity));
    const dir = Math.sign(p.quantity);
    const pnl = (pricePaise - p.avgPricePaise) * reduce * dir;
    p.realisedPnlPaise += pnl;
    p.tradePnl += pnl;
    this.realisedPnlPaise += pnl;
    p.quantity += dir * -reduce;
    if (p.quantity === 0) {
      closed.push({
        symbol,
        side: dir > 0 ? 'LONG' : 'SHORT',
        quantity: p.tradeMaxQty,
        openedAt: p.openedAt,
        closedAt: time,
        pnlPaise: Math.round(p.tradePnl - p.tradeCharges),
        chargesPaise: Math.round(p.tradeCharges),
      });
      p.avgPricePaise = 0;
      p.openedAt = 0;
      p.tradePnl = p.tradeCharges = p.tradeMaxQty = 0;
      const rest = quantity - reduce;
      if (rest > 0) {
        p.quantity = side === 'BUY' ? rest : -rest;
        p.avgPricePaise = pricePaise;
        p.openedAt = time;
        p.tradeMaxQty = rest;
      }
    }
    return closed;
  }
}
