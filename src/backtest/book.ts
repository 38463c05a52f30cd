/**
 * Cash, one net position and the round-trip trade list of a backtest, in integer paise.
 *
 * A trade opens when the position leaves zero and closes when it returns to zero; fills that add to it
 * average into the entry price, fills that reduce it average into the exit price, and a fill that flips
 * the position is split (close the old trade, open a new one with the rest). Charges are attributed to
 * the trade whose quantity the fill touched (split pro rata on a flip). P&L is net of charges.
 */
import type { Paise } from '@/common/money';
import type { Side } from '@/domain/market';
import type { ExitReason } from '@/backtest/fill-model';

export interface BacktestTrade {
  symbol: string;
  side: 'LONG' | 'SHORT';
  quantity: number;
  entryTime: number;
  exitTime: number;
  /** Volume-weighted average entry and exit prices (fractional paise when fills were at different prices). */
  entryPricePaise: number;
  exitPricePaise: number;
  grossPnlPaise: Paise;
  chargesPaise: Paise;
  pnlPaise: Paise;
  exitReason: ExitReason | 'SIGNAL' | 'SQUARE_OFF' | 'END_OF_DATA';
  bars: number;
}

interface OpenTrade {
  side: 'LONG' | 'SHORT';
  quantity: number;
  entryTime: number;
  entryBar: number;
  entryValue: number; // sum price x qty of entry fills
  exitQty: number;
  exitValue: number;
  charges: Paise;
}

export class Book {
  cashPaise: Paise;
  quantity = 0;
  realisedPnlPaise: Paise = 0;
  totalChargesPaise: Paise = 0;
  openedAt = 0;
  readonly trades: BacktestTrade[] = [];
  private open: OpenTrade | null = null;

  constructor(
    readonly symbol: string,
    capitalPaise: Paise,
  ) {
    this.cashPaise = capitalPaise;
  }

  /** Average price of the open quantity; 0 when flat. */
  avgPricePaise(): number {
    const o = this.open;
    return o ? o.entryValue / o.quantity : 0;
  }

  equityAt(pricePaise: Paise): Paise {
    return this.cashPaise + this.quantity * pricePaise;
  }

  apply(
    side: Side,
    qty: number,
    price: Paise,
    charges: Paise,
    time: number,
    bar: number,
    reason: BacktestTrade['exitReason'],
  ): void {
    if (qty <= 0) return;
    const signed = side === 'BUY' ? qty : -qty;
    this.cashPaise -= signed * price + charges;
    this.totalChargesPaise += charges;
    const before = this.quantity;
    this.quantity += signed;
    const reducing = before !== 0 && Math.sign(signed) !== Math.sign(before);
    if (!reducing) {
      this.addEntry(side, qty, price, charges, time, bar);
      return;
    }
    const closing = Math.min(qty, Math.abs(before));
    const closeCharges = Math.round((charges * closing) / qty);
    const o = this.open!;
    o.exitQty += closing;
    o.exitValue += closing * price;
    o.charges += closeCharges;
    if (o.exitQty === o.quantity) this.finish(time, bar, reason);
    if (qty > closing) this.addEntry(side, qty - closing, price, charges - closeCharges, time, bar);
  }

  private addEntry(side: Side, qty: number, price: Paise, charges: Paise, time: number, bar: number): void {
    if (!this.open) {
      this.open = {
        side: side === 'BUY' ? 'LONG' : 'SHORT',
        quantity: 0,
        entryTime: time,
        entryBar: bar,
        entryValue: 0,
        exitQty: 0,
        exitValue: 0,
        charges: 0,
      };
      this.openedAt = time;
    }
    this.open.quantity += qty;
    this.open.entryValue += qty * price;
    this.open.charges += charges;
  }

  private finish(time: number, bar: number, reason: BacktestTrade['exitReason']): void {
    const o = this.open!;
    const dir = o.side === 'LONG' ? 1 : -1;
    const gross = dir * (o.exitValue - o.entryValue);
    this.realisedPnlPaise += gross - o.charges;
    this.trades.push({
      symbol: this.symbol,
      side: o.side,
      quantity: o.quantity,
      entryTime: o.entryTime,
      exitTime: time,
      entryPricePaise: o.entryValue / o.quantity,
      exitPricePaise: o.exitValue / o.quantity,
      grossPnlPaise: gross,
      chargesPaise: o.charges,
      pnlPaise: gross - o.charges,
      exitReason: reason,
      bars: bar - o.entryBar,
    });
    this.open = null;
    this.openedAt = 0;
  }
}
