import type { BrokerOrder } from '@/broker/broker.types';
import type { BrokerReport } from './order-state';

/** The broker's view of one order as a state-machine input, or null when it says nothing usable. */
export function brokerReportOf(
  bo: Pick<BrokerOrder, 'status' | 'filledQuantity' | 'averagePricePaise' | 'message'>,
): BrokerReport | null {
  const base = {
    type: 'BROKER_REPORT' as const,
    filledQty: bo.filledQuantity,
    avgPricePaise: bo.averagePricePaise,
    reason: bo.message || undefined,
  };
  switch (bo.status) {
    case 'PENDING':
    case 'OPEN':
    case 'MODIFY_PENDING':
    case 'CANCEL_PENDING':
      return { ...base, status: bo.filledQuantity > 0 ? 'PARTIALLY_FILLED' : 'OPEN' };
    case 'TRIGGER_PENDING':
      return { ...base, status: 'TRIGGER_PENDING' };
    case 'COMPLETE':
      return { ...base, status: 'FILLED' };
    case 'CANCELLED':
      return { ...base, status: 'CANCELLED' };
    case 'REJECTED':
      return { ...base, status: 'REJECTED' };
    case 'UNKNOWN':
      return null;
  }
}
