/**
 * The paper account's positions, trade book and funds, in broker shapes. Average-cost accounting with
 * integer paise: the open cost is kept as a total (not an average) so repeated partial closes never
 * drift; realised P&L is booked when a fill reduces a position.
 */
import type { Paise } from '@/common/money';
import type { BrokerPosition, BrokerTrade, Funds } from '@/broker/broker.types';
import type { Exchange, ProductType, Side } from '@/domain/market';

export interface LedgerFill {
  brokerOrderId: string;
  fillId: string;
  symbol: string;
  exchange: Exchange;
  token: string;
  side: Side;
  product: ProductType;
  quantity: number;
  pricePaise: Paise;
  time: number;
}

export interface PositionRow {
  symbol: string;
  exchange: Exchange;
  token: string;
  product: ProductType;
  buyQuantity: number;
  sellQuantity: number;
  buyValuePaise: Paise;
  sellValuePaise: Paise;
  /** Signed open quantity (+ long, - short). */
  netQuantity: number;
  /** Cost of the open quantity (always >= 0). */
  openCostPaise: Paise;
  realisedPaise: Paise;
}

export interface LedgerState {
  rows: PositionRow[];
  trades: BrokerTrade[];
}

const IST_OFFSET_MS = 330 * 60_000;

export class PaperLedger {
  private readonly rows = new Map<string, PositionRow>();
  private readonly trades: BrokerTrade[] = [];

  constructor(private readonly capitalPaise: Paise) {}

  exportState(): LedgerState {
    return { rows: [...this.rows.values()].map((r) => ({ ...r })), trades: this.tradeBook() };
  }

  importState(s: LedgerState): void {
    this.rows.clear();
    for (const r of s.rows) this.rows.set(`${r.symbol}|${r.product}`, { ...r });
    this.trades.splice(0, this.trades.length, ...s.trades.map((t) => ({ ...t })));
  }

  apply(f: LedgerFill): void {
    const key = `${f.symbol}|${f.product}`;
    let row = this.rows.get(key);
    if (!row) {
      row = {
        symbol: f.symbol,
        exchange: f.exchange,
        token: f.token,
        product: f.product,
        buyQuantity: 0,
        sellQuantity: 0,
        buyValuePaise: 0,
        sellValuePaise: 0,
        netQuantity: 0,
        openCostPaise: 0,
        realisedPaise: 0,
      };
      this.rows.set(key, row);
    }
    const signed = f.side === 'BUY' ? f.quantity : -f.quantity;
    if (f.side === 'BUY') {
      row.buyQuantity += f.quantity;
      row.buyValuePaise += f.quantity * f.pricePaise;
    } else {
      row.sellQuantity += f.quantity;
      row.sellValuePaise += f.quantity * f.pricePaise;
    }
    const open = Math.abs(row.netQuantity);
    if (row.netQuantity === 0 || Math.sign(row.netQuantity) === Math.sign(signed)) {
      row.openCostPaise += f.quantity * f.pricePaise;
    } else {
      const closed = Math.min(open, f.quantity);
      const releasedCost = Math.round((row.openCostPaise * closed) / open);
      const proceeds = closed * f.pricePaise;
      // A long gains when it sells above cost; a short gains when it buys back below its sale price.
      row.realisedPaise += row.netQuantity > 0 ? proceeds - releasedCost : releasedCost - proceeds;
      row.openCostPaise -= releasedCost;
      const opened = f.quantity - closed;
      if (opened > 0) row.openCostPaise = opened * f.pricePaise;
    }
    row.netQuantity += signed;
    if (row.netQuantity === 0) row.openCostPaise = 0;
    this.trades.push({
      brokerOrderId: f.brokerOrderId,
      fillId: f.fillId,
      symbol: f.symbol,
      exchange: f.exchange,
      side: f.side,
      product: f.product,
      quantity: f.quantity,
      pricePaise: f.pricePaise,
      fillTime: istTime(f.time),
    });
  }

  tradeBook(): BrokerTrade[] {
    return this.trades.map((t) => ({ ...t }));
  }

  positions(): BrokerPosition[] {
    return [...this.rows.values()].map((r) => ({
      symbol: r.symbol,
      exchange: r.exchange,
      token: r.token,
      product: r.product,
      netQuantity: r.netQuantity,
      buyQuantity: r.buyQuantity,
      sellQuantity: r.sellQuantity,
      buyAveragePaise: r.buyQuantity ? Math.round(r.buyValuePaise / r.buyQuantity) : 0,
      sellAveragePaise: r.sellQuantity ? Math.round(r.sellValuePaise / r.sellQuantity) : 0,
      netPricePaise: r.netQuantity ? Math.round(r.openCostPaise / Math.abs(r.netQuantity)) : 0,
      buyValuePaise: r.buyValuePaise,
      sellValuePaise: r.sellValuePaise,
    }));
  }

  /** Signed open quantity of one symbol across products (what a new order would add to or reduce). */
  netQuantity(symbol: string, product: ProductType): number {
    return this.rows.get(`${symbol}|${product}`)?.netQuantity ?? 0;
  }

  /**
   * Paper funds: capital plus realised P&L is the cash; open positions hold margin at their cost, as do
   * working orders (`blockedPaise`); unrealised losses (never gains) reduce what is available.
   */
  funds(ltp: (exchange: Exchange, token: string) => Paise | undefined, blockedPaise: Paise): Funds {
    let realised = 0;
    let unrealised = 0;
    let held = 0;
    for (const r of this.rows.values()) {
      realised += r.realisedPaise;
      held += r.openCostPaise;
      const price = ltp(r.exchange, r.token);
      if (r.netQuantity !== 0 && price !== undefined) {
        const value = Math.abs(r.netQuantity) * price;
        unrealised += r.netQuantity > 0 ? value - r.openCostPaise : r.openCostPaise - value;
      }
    }
    const cash = this.capitalPaise + realised;
    const utilised = held + blockedPaise;
    return {
      netPaise: cash + unrealised,
      availableCashPaise: cash,
      availableMarginPaise: cash + Math.min(0, unrealised) - utilised,
      utilisedPaise: utilised,
      collateralPaise: 0,
      m2mUnrealisedPaise: unrealised,
      m2mRealisedPaise: realised,
    };
  }
}

/** The broker's trade book carries IST wall time without a date. */
function istTime(epochMs: number): string {
  return new Date(epochMs + IST_OFFSET_MS).toISOString().slice(11, 19);
}
