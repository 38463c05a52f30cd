/**
 * An order split into slices above the freeze quantity is one order to its owner: the parent's view
 * sums the slices (quantity, fills, average price) and reports one status for the whole.
 */
import { paiseToRupees } from '@/common/money';
import type { OrderStatus } from './order-state';
import type { OrderEntity } from './entities/order.entity';

const TERMINAL_RANK: Partial<Record<OrderStatus, number>> = { REJECTED: 3, EXPIRED: 2, CANCELLED: 1 };
const LIVE_ORDER: OrderStatus[] = [
  'UNKNOWN',
  'CANCEL_PENDING',
  'NEW',
  'QUEUED',
  'SUBMITTING',
  'OPEN',
  'TRIGGER_PENDING',
];

export interface SliceAggregate {
  status: OrderStatus;
  quantity: number;
  filledQuantity: number;
  averagePrice: string;
}

type Slice = Pick<OrderEntity, 'status' | 'quantity' | 'filledQuantity' | 'avgPricePaise'>;

/**
 * All filled: FILLED. Some slice still live: PARTIALLY_FILLED once anything filled, else the live
 * status that matters most (UNKNOWN first, then CANCEL_PENDING, then the least advanced). All ended
 * but not all filled: the gravest ending (REJECTED, EXPIRED, CANCELLED), with the fills it kept.
 */
export function aggregateSlices(slices: Slice[]): SliceAggregate {
  const quantity = slices.reduce((s, o) => s + o.quantity, 0);
  const filled = slices.reduce((s, o) => s + o.filledQuantity, 0);
  const value = slices.reduce((s, o) => s + o.filledQuantity * o.avgPricePaise, 0);
  const averagePrice = paiseToRupees(filled ? Math.round(value / filled) : 0);
  const statuses = slices.map((o) => o.status);
  let status: OrderStatus;
  if (statuses.includes('RISK_REJECTED')) status = 'RISK_REJECTED';
  else if (statuses.every((s) => s === 'FILLED')) status = 'FILLED';
  else {
    const live = LIVE_ORDER.find((s) => statuses.includes(s));
    const partly = filled > 0 || statuses.includes('PARTIALLY_FILLED');
    if (live || statuses.includes('PARTIALLY_FILLED')) status = partly ? 'PARTIALLY_FILLED' : live!;
    else
      status = statuses
        .filter((s) => TERMINAL_RANK[s])
        .sort((a, b) => TERMINAL_RANK[b]! - TERMINAL_RANK[a]!)[0];
  }
  return { status, quantity, filledQuantity: filled, averagePrice };
}
