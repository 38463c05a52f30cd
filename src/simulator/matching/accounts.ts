import type { SimInstrument } from '../market/instruments';
import type { SimProductType, SimSide } from './types';

/** One net position per (token, product), integer paise throughout. */
export interface SimPosition {
  instrument: SimInstrument;
  producttype: SimProductType;
  buyQty: number;
  sellQty: number;
  buyValuePaise: number;
  sellValuePaise: number;
  /** Signed open quantity and the cost of that open quantity. */
  netQty: number;
  openCostPaise: number;
  realisedPaise: number;
}

export interface SimHolding {
  instrument: SimInstrument;
  /** Settled quantity and today's (T1) delivery buys. */
  quantity: number;
  t1Quantity: number;
  costPaise: number;
}

export interface InitialHolding {
  token: string;
  quantity: number;
  averagePricePaise: number;
}

/**
 * Per-unit margin in paise. A deliberately simple model: cash delivery pays in full, intraday equity
 * 20 %, carry-forward equity 25 %, futures 12 %, bought options the premium, sold options 15 % of the strike.
 */
export function unitMarginPaise(
  i: SimInstrument,
  product: SimProductType,
  side: SimSide,
  pricePaise: number,
): number {
  const opt = i.optionType !== null;
  if (opt) return side === 'BUY' ? pricePaise : Math.max(pricePaise, Math.round(0.15 * (i.strikePaise ?? 0)));
  if (i.isDerivative) return Math.round(pricePaise * 0.12);
  switch (product) {
    case 'DELIVERY':
      return pricePaise;
    case 'INTRADAY':
      return Math.round(pricePaise * 0.2);
    case 'CARRYFORWARD':
    case 'MARGIN':
    case 'BO':
      return Math.round(pricePaise * 0.25);
  }
}

/** A client's money, positions and holdings. Delivery trades move cash; margin products block margin. */
export class Account {
  cashPaise: number;
  readonly positions = new Map<string, SimPosition>();
  readonly holdings = new Map<string, SimHolding>();

  constructor(
    startingCashPaise: number,
    holdings: Array<{ instrument: SimInstrument; quantity: number; averagePricePaise: number }>,
  ) {
    this.cashPaise = startingCashPaise;
    for (const h of holdings) {
      this.holdings.set(h.instrument.token, {
        instrument: h.instrument,
        quantity: h.quantity,
        t1Quantity: 0,
        costPaise: h.quantity * h.averagePricePaise,
      });
    }
  }

  position(i: SimInstrument, product: SimProductType): SimPosition {
    const key = `${i.token}:${product}`;
    let p = this.positions.get(key);
    if (!p) {
      p = {
        instrument: i,
        producttype: product,
        buyQty: 0,
        sellQty: 0,
        buyValuePaise: 0,
        sellValuePaise: 0,
        netQty: 0,
        openCostPaise: 0,
        realisedPaise: 0,
      };
      this.positions.set(key, p);
    }
    return p;
  }

  /** Quantity of delivery stock this client may still sell. */
  sellableQuantity(token: string): number {
    const h = this.holdings.get(token);
    return h ? h.quantity + h.t1Quantity : 0;
  }

  applyFill(i: SimInstrument, product: SimProductType, side: SimSide, qty: number, pricePaise: number): void {
    const value = qty * pricePaise;
    const p = this.position(i, product);
    if (side === 'BUY') {
      p.buyQty += qty;
      p.buyValuePaise += value;
    } else {
      p.sellQty += qty;
      p.sellValuePaise += value;
    }
    const signed = side === 'BUY' ? qty : -qty;
    if (p.netQty === 0 || Math.sign(p.netQty) === Math.sign(signed)) {
      p.netQty += signed;
      p.openCostPaise += value;
    } else {
      const closing = Math.min(qty, Math.abs(p.netQty));
      const costOut = Math.round((p.openCostPaise * closing) / Math.abs(p.netQty));
      const pnl = p.netQty > 0 ? closing * pricePaise - costOut : costOut - closing * pricePaise;
      p.openCostPaise -= costOut;
      p.netQty += signed;
      if (product !== 'DELIVERY') {
        p.realisedPaise += pnl;
        this.cashPaise += pnl;
      }
      if (qty > closing) p.openCostPaise = (qty - closing) * pricePaise;
      if (p.netQty === 0) p.openCostPaise = 0;
    }
    if (product === 'DELIVERY') this.applyDelivery(i, side, qty, pricePaise);
  }

  private applyDelivery(i: SimInstrument, side: SimSide, qty: number, pricePaise: number): void {
    let h = this.holdings.get(i.token);
    if (side === 'BUY') {
      this.cashPaise -= qty * pricePaise;
      if (!h) {
        h = { instrument: i, quantity: 0, t1Quantity: 0, costPaise: 0 };
        this.holdings.set(i.token, h);
      }
      h.t1Quantity += qty;
      h.costPaise += qty * pricePaise;
      return;
    }
    this.cashPaise += qty * pricePaise;
    if (!h) return;
    const total = h.quantity + h.t1Quantity;
    if (total > 0) h.costPaise -= Math.round((h.costPaise * Math.min(qty, total)) / total);
    const fromSettled = Math.min(qty, h.quantity);
    h.quantity -= fromSettled;
    h.t1Quantity = Math.max(0, h.t1Quantity - (qty - fromSettled));
    if (h.quantity + h.t1Quantity === 0) this.holdings.delete(i.token);
  }

  /** Moves open quantity between margin products at its cost (convertPosition); false when not possible. */
  convert(i: SimInstrument, from: SimProductType, to: SimProductType, side: SimSide, qty: number): boolean {
    const a = this.position(i, from);
    const sign = side === 'BUY' ? 1 : -1;
    if (from === to || from === 'DELIVERY' || to === 'DELIVERY' || qty <= 0 || a.netQty * sign < qty)
      return false;
    const b = this.position(i, to);
    if (b.netQty * sign < 0) return false;
    const cost = Math.round((a.openCostPaise * qty) / Math.abs(a.netQty));
    a.netQty -= sign * qty;
    a.openCostPaise -= cost;
    b.netQty += sign * qty;
    b.openCostPaise += cost;
    if (sign > 0) {
      a.buyQty -= qty;
      a.buyValuePaise -= cost;
      b.buyQty += qty;
      b.buyValuePaise += cost;
    } else {
      a.sellQty -= qty;
      a.sellValuePaise -= cost;
      b.sellQty += qty;
      b.sellValuePaise += cost;
    }
    return true;
  }

  /** Margin held by open margin-product positions, valued at their open cost. */
  positionMarginPaise(): number {
    let sum = 0;
    for (const p of this.positions.values()) {
      if (p.producttype === 'DELIVERY' || p.netQty === 0) continue;
      const avg = Math.round(p.openCostPaise / Math.abs(p.netQty));
      sum +=
        Math.abs(p.netQty) * unitMarginPaise(p.instrument, p.producttype, p.netQty > 0 ? 'BUY' : 'SELL', avg);
    }
    return sum;
  }

  realisedPaise(): number {
    let sum = 0;
    for (const p of this.positions.values()) sum += p.realisedPaise;
    return sum;
  }

  unrealisedPaise(ltpOf: (token: string) => number): number {
    let sum = 0;
    for (const p of this.positions.values()) {
      if (p.netQty === 0) continue;
      sum += p.netQty * ltpOf(p.instrument.token) - (p.netQty > 0 ? p.openCostPaise : -p.openCostPaise);
    }
    return sum;
  }
}
