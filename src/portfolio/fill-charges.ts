/**
 * Charges booked against a live or paper fill, priced with the backtester's Indian charges model so
 * backtest and live P&L are net of the same costs. The broker's contract note is the final word; this
 * is the platform's running estimate for day P&L.
 */
import type { Paise } from '@/common/money';
import { IndianCharges, type ChargeSegment, type ChargesModel } from '@/backtest/charges';
import type { ProductType, Side } from '@/domain/market';

export function chargeSegment(symbol: string, product: ProductType | null | undefined): ChargeSegment {
  const [exchange = '', tradingSymbol = ''] = symbol.split(':');
  if (exchange === 'NFO' || exchange === 'BFO' || exchange === 'MCX' || exchange === 'CDS') {
    return /(CE|PE)$/.test(tradingSymbol) ? 'OPTIONS' : 'FUTURES';
  }
  return product === 'DELIVERY' ? 'EQUITY_DELIVERY' : 'EQUITY_INTRADAY';
}

export class FillCharges {
  /** Brokerage already charged per order id: the brokerage cap is per order across partial fills. */
  private readonly brokerageSoFar = new Map<string, Paise>();

  constructor(private readonly model: ChargesModel = new IndianCharges()) {}

  compute(f: {
    orderId: string;
    symbol: string;
    side: Side;
    quantity: number;
    pricePaise: Paise;
    product?: ProductType | null;
    time: number;
  }): Paise {
    const soFar = this.brokerageSoFar.get(f.orderId);
    const c = this.model.compute({
      segment: chargeSegment(f.symbol, f.product),
      side: f.side,
      turnoverPaise: f.quantity * f.pricePaise,
      time: f.time,
      brokerageSoFarPaise: soFar ?? 0,
      firstFillOfOrder: soFar === undefined,
    });
    this.brokerageSoFar.set(f.orderId, (soFar ?? 0) + c.brokerage);
    if (this.brokerageSoFar.size > 50_000) this.brokerageSoFar.clear();
    return c.total;
  }
}
