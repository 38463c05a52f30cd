import { paiseToRupees } from '@/common/money';
import { unitMarginPaise, type Account } from './accounts';
import type { SimOrder } from './types';

/** The RMS view of one client, in paise. */
export interface Funds {
  cashPaise: number;
  blockedPaise: number;
  positionMarginPaise: number;
  realisedPaise: number;
  unrealisedPaise: number;
  availablePaise: number;
}

export const isWorking = (o: SimOrder): boolean => o.status === 'open' || o.status === 'trigger pending';

export function computeFunds(
  account: Account,
  clientOrders: Iterable<SimOrder>,
  ltpOf: (token: string) => number,
): Funds {
  let blocked = 0;
  for (const o of clientOrders) blocked += o.blockedPaise;
  const margin = account.positionMarginPaise();
  return {
    cashPaise: account.cashPaise,
    blockedPaise: blocked,
    positionMarginPaise: margin,
    realisedPaise: account.realisedPaise(),
    unrealisedPaise: account.unrealisedPaise(ltpOf),
    availablePaise: account.cashPaise - blocked - margin,
  };
}

type MarginTerms = Pick<
  SimOrder,
  'instrument' | 'producttype' | 'transactiontype' | 'ordertype' | 'pricePaise' | 'triggerPaise'
>;

/**
 * Margin to block for `qty` more units, net of what the order would close of an opposite open
 * position. Market orders are valued at the LTP, stop-market orders at the worse of trigger and LTP.
 */
export function requiredMarginPaise(account: Account, o: MarginTerms, ltpPaise: number, qty: number): number {
  const i = o.instrument!;
  if (o.producttype === 'DELIVERY' && o.transactiontype === 'SELL') return 0;
  let opening = qty;
  if (o.producttype !== 'DELIVERY') {
    const p = account.position(i, o.producttype);
    const reducing = o.transactiontype === 'BUY' ? Math.max(0, -p.netQty) : Math.max(0, p.netQty);
    opening = Math.max(0, qty - reducing);
  }
  const ref =
    o.ordertype === 'LIMIT' || o.ordertype === 'STOPLOSS_LIMIT'
      ? o.pricePaise
      : o.ordertype === 'STOPLOSS_MARKET'
        ? Math.max(o.triggerPaise, ltpPaise)
        : ltpPaise;
  return opening * unitMarginPaise(i, o.producttype, o.transactiontype, ref);
}

/** A delivery sell may only sell holdings not already promised to other working delivery sells. */
export function holdingsShortfall(
  account: Account,
  o: SimOrder,
  clientOrders: Iterable<SimOrder>,
): string | null {
  let pending = 0;
  for (const x of clientOrders) {
    if (
      x !== o &&
      x.symboltoken === o.symboltoken &&
      x.producttype === 'DELIVERY' &&
      x.transactiontype === 'SELL' &&
      isWorking(x)
    )
      pending += x.quantity - x.filled;
  }
  const free = account.sellableQuantity(o.symboltoken) - pending;
  return o.quantity > free
    ? `Your order has been rejected due to insufficient holdings. Available quantity ${free}`
    : null;
}

/** Angel's RMS rejection text (protocol §2.2 fixture). */
export function insufficientFundsText(availablePaise: number, requiredPaise: number): string {
  return `Your order has been rejected due to Insufficient Funds. Available funds - Rs. ${paiseToRupees(availablePaise)} . You require Rs. ${paiseToRupees(requiredPaise)} funds to execute this order.`;
}
