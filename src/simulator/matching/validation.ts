import { paiseToRupees } from '@/common/money';
import type { InstrumentState } from '../market/market';
import type { SimInstrument } from '../market/instruments';
import type { SimOrderType, SimSide } from './types';

/** Fields of an order that the exchange checks, before and after a modify. */
export interface OrderTerms {
  instrument: SimInstrument | undefined;
  exchange: string;
  ordertype: SimOrderType;
  transactiontype: SimSide;
  pricePaise: number;
  triggerPaise: number;
  quantity: number;
}

export const needsPrice = (t: SimOrderType): boolean => t === 'LIMIT' || t === 'STOPLOSS_LIMIT';
export const isStop = (t: SimOrderType): boolean => t === 'STOPLOSS_LIMIT' || t === 'STOPLOSS_MARKET';

/**
 * Exchange-side validation; returns the rejection text Angel would put in the order's `text`, or null.
 * These are outcomes (a rejected order), not errors of the request.
 */
export function rejectionReason(o: OrderTerms, st: InstrumentState | undefined): string | null {
  const i = o.instrument;
  if (!i || !st) return 'Your order has been rejected due to invalid symbol token';
  if (i.isIndex) return 'Orders are not allowed on an index';
  if (!Number.isInteger(o.quantity) || o.quantity <= 0) return 'Quantity should be greater than zero';
  if (o.quantity % i.lotSize !== 0) return `Quantity should be a multiple of the lot size ${i.lotSize}`;
  const tick = i.tickSizePaise;
  const tickText = paiseToRupees(tick);
  if (needsPrice(o.ordertype)) {
    if (o.pricePaise <= 0) return 'Price should be greater than zero';
    if (o.pricePaise % tick !== 0) return `Price is not a multiple of the tick size ${tickText}`;
    if (o.pricePaise > st.upperCircuit || o.pricePaise < st.lowerCircuit) {
      return `Price is outside the circuit limits ${paiseToRupees(st.lowerCircuit)} - ${paiseToRupees(st.upperCircuit)}`;
    }
  }
  if (isStop(o.ordertype)) {
    if (o.triggerPaise <= 0) return 'Trigger price should be greater than zero';
    if (o.triggerPaise % tick !== 0) return `Trigger price is not a multiple of the tick size ${tickText}`;
    if (o.triggerPaise > st.upperCircuit || o.triggerPaise < st.lowerCircuit) {
      return `Trigger price is outside the circuit limits ${paiseToRupees(st.lowerCircuit)} - ${paiseToRupees(st.upperCircuit)}`;
    }
    const buy = o.transactiontype === 'BUY';
    if (buy && o.triggerPaise <= st.ltp)
      return 'Trigger price for a stop-loss buy order should be above the last traded price';
    if (!buy && o.triggerPaise >= st.ltp)
      return 'Trigger price for a stop-loss sell order should be below the last traded price';
    if (o.ordertype === 'STOPLOSS_LIMIT') {
      if (buy && o.pricePaise < o.triggerPaise)
        return 'Limit price of a stop-loss buy order should not be below the trigger price';
      if (!buy && o.pricePaise > o.triggerPaise)
        return 'Limit price of a stop-loss sell order should not be above the trigger price';
    }
  }
  return null;
}
