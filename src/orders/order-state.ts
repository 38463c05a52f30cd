/**
 * The order state machine (FIX-like), pure and synchronous so it can be property-tested and reused by
 * the store, the worker, the update applier and reconciliation alike.
 *
 *   NEW -> RISK_REJECTED | QUEUED -> SUBMITTING -> OPEN | TRIGGER_PENDING -> PARTIALLY_FILLED -> FILLED
 *   live states -> CANCEL_PENDING -> CANCELLED;  -> REJECTED;  QUEUED -> EXPIRED;  SUBMITTING -> UNKNOWN
 *
 * Broker reports are cumulative snapshots (status + cumulative filled quantity + average price). They are
 * applied as a lattice join: status only moves up its rank and filled quantity only grows, so applying
 * any permutation of a broker order's updates, with repeats, gives the same state as applying them in order.
 */
import type { Paise } from '@/common/money';

export const ORDER_STATUSES = [
  'NEW',
  'RISK_REJECTED',
  'QUEUED',
  'SUBMITTING',
  'UNKNOWN',
  'TRIGGER_PENDING',
  'OPEN',
  'PARTIALLY_FILLED',
  'CANCEL_PENDING',
  'FILLED',
  'CANCELLED',
  'REJECTED',
  'EXPIRED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'RISK_REJECTED',
  'FILLED',
  'CANCELLED',
  'REJECTED',
  'EXPIRED',
]);

/** States in which an order may be resting at the broker (cancellable, modifiable, reconciled). */
export const LIVE_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'OPEN',
  'TRIGGER_PENDING',
  'PARTIALLY_FILLED',
  'CANCEL_PENDING',
]);

/** States that are not terminal: counted as "open" by reconciliation and cancel-all. */
export function isTerminal(s: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(s);
}

export type EventSource = 'API' | 'STRATEGY' | 'BROKER' | 'RECONCILIATION' | 'RISK' | 'WORKER' | 'SYSTEM';

/** What the broker says about one of its orders, in domain words. Quantities are cumulative. */
export type BrokerOrderStatus =
  'OPEN' | 'TRIGGER_PENDING' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'REJECTED';

export interface BrokerReport {
  type: 'BROKER_REPORT';
  status: BrokerOrderStatus;
  filledQty: number;
  avgPricePaise: Paise;
  reason?: string;
}

export type OrderInput =
  | { type: 'QUEUE' }
  | { type: 'RISK_REJECT'; reason: string }
  | { type: 'CLAIM' }
  | { type: 'EXPIRE' }
  | { type: 'AMBIGUOUS'; reason: string }
  | { type: 'NOT_AT_BROKER' }
  | { type: 'CANCEL_REQUEST' }
  | { type: 'CANCEL_REJECTED' }
  | { type: 'MODIFY'; quantity: number }
  | BrokerReport;

export interface OrderState {
  status: OrderStatus;
  quantity: number;
  filledQty: number;
  avgPricePaise: Paise;
}

export type Step =
  | { changed: true; state: OrderState; from: OrderStatus; to: OrderStatus }
  | { changed: false; state: OrderState; refused?: string };

/** Broker-driven progress rank: a report never moves an order down this ladder. */
const RANK: Record<OrderStatus, number> = {
  NEW: 0,
  QUEUED: 0,
  SUBMITTING: 1,
  UNKNOWN: 1,
  TRIGGER_PENDING: 2,
  OPEN: 3,
  PARTIALLY_FILLED: 4,
  CANCEL_PENDING: 5,
  RISK_REJECTED: 9,
  FILLED: 9,
  CANCELLED: 9,
  REJECTED: 9,
  EXPIRED: 9,
};

/** Every (from -> to) pair the machine can produce; the property tests hold the reducer to this table. */
export const ALLOWED_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  NEW: ['RISK_REJECTED', 'QUEUED', 'CANCELLED'],
  QUEUED: ['SUBMITTING', 'EXPIRED', 'CANCELLED'],
  SUBMITTING: ['UNKNOWN', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED'],
  UNKNOWN: ['OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED'],
  TRIGGER_PENDING: ['OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCEL_PENDING', 'CANCELLED', 'REJECTED'],
  OPEN: ['PARTIALLY_FILLED', 'FILLED', 'CANCEL_PENDING', 'CANCELLED', 'REJECTED'],
  PARTIALLY_FILLED: ['FILLED', 'CANCEL_PENDING', 'CANCELLED', 'REJECTED'],
  CANCEL_PENDING: ['OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED'],
  RISK_REJECTED: [],
  FILLED: [],
  CANCELLED: [],
  REJECTED: [],
  EXPIRED: [],
};

const none = (state: OrderState, refused?: string): Step => ({ changed: false, state, refused });

function move(state: OrderState, to: OrderStatus, patch: Partial<OrderState> = {}): Step {
  const next = { ...state, ...patch, status: to };
  if (
    to === state.status &&
    next.filledQty === state.filledQty &&
    next.avgPricePaise === state.avgPricePaise &&
    next.quantity === state.quantity
  )
    return none(state);
  return { changed: true, state: next, from: state.status, to };
}

function local(state: OrderState, from: readonly OrderStatus[], to: OrderStatus, input: OrderInput): Step {
  return from.includes(state.status)
    ? move(state, to)
    : none(state, `${input.type} not allowed in ${state.status}`);
}

/** Apply one input. Never throws: an input that does not apply is reported as `refused` and changes nothing. */
export function applyOrderInput(state: OrderState, input: OrderInput): Step {
  if (isTerminal(state.status)) return none(state, `${state.status} is terminal`);
  switch (input.type) {
    case 'QUEUE':
      return local(state, ['NEW'], 'QUEUED', input);
    case 'RISK_REJECT':
      return local(state, ['NEW'], 'RISK_REJECTED', input);
    case 'CLAIM':
      return local(state, ['QUEUED'], 'SUBMITTING', input);
    case 'EXPIRE':
      return local(state, ['QUEUED'], 'EXPIRED', input);
    case 'AMBIGUOUS':
      return local(state, ['SUBMITTING'], 'UNKNOWN', input);
    case 'NOT_AT_BROKER':
      return local(state, ['SUBMITTING', 'UNKNOWN'], 'REJECTED', input);
    case 'CANCEL_REQUEST':
      if (state.status === 'NEW' || state.status === 'QUEUED') return move(state, 'CANCELLED');
      return local(state, ['OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED'], 'CANCEL_PENDING', input);
    case 'CANCEL_REJECTED':
      return local(state, ['CANCEL_PENDING'], state.filledQty > 0 ? 'PARTIALLY_FILLED' : 'OPEN', input);
    case 'MODIFY':
      if (!LIVE_STATUSES.has(state.status) || state.status === 'CANCEL_PENDING')
        return none(state, `MODIFY not allowed in ${state.status}`);
      if (!Number.isInteger(input.quantity) || input.quantity <= state.filledQty)
        return none(state, 'quantity must exceed the filled quantity');
      return move(state, state.status, { quantity: input.quantity });
    case 'BROKER_REPORT':
      return applyBrokerReport(state, input);
  }
}

function applyBrokerReport(state: OrderState, r: BrokerReport): Step {
  if (state.status === 'NEW' || state.status === 'QUEUED')
    return none(state, `broker report before submission (${state.status})`);
  const reported = Math.min(Math.max(0, Math.trunc(r.filledQty)), state.quantity);
  const grows = reported > state.filledQty;
  const filledQty = grows ? reported : state.filledQty;
  const avgPricePaise = grows ? r.avgPricePaise : state.avgPricePaise;
  let to: OrderStatus;
  if (filledQty >= state.quantity || r.status === 'FILLED') to = 'FILLED';
  else if (r.status === 'CANCELLED' || r.status === 'REJECTED') to = r.status;
  else if (filledQty > 0) to = state.status === 'CANCEL_PENDING' ? 'CANCEL_PENDING' : 'PARTIALLY_FILLED';
  else to = r.status === 'PARTIALLY_FILLED' ? 'OPEN' : r.status;
  if (to === 'FILLED' && filledQty < state.quantity) {
    // A FILLED report whose cumulative quantity we cannot see yet: keep the quantity truthful, wait for the fills.
    to = state.status === 'CANCEL_PENDING' ? 'CANCEL_PENDING' : filledQty > 0 ? 'PARTIALLY_FILLED' : 'OPEN';
  }
  if (RANK[to] < RANK[state.status]) to = state.status;
  return move(state, to, { filledQty, avgPricePaise });
}

/** Fold a sequence of inputs, collecting the transitions made. */
export function foldOrderInputs(
  initial: OrderState,
  inputs: readonly OrderInput[],
): { state: OrderState; transitions: [OrderStatus, OrderStatus][] } {
  let state = initial;
  const transitions: [OrderStatus, OrderStatus][] = [];
  for (const i of inputs) {
    const s = applyOrderInput(state, i);
    if (s.changed && s.from !== s.to) transitions.push([s.from, s.to]);
    state = s.state;
  }
  return { state, transitions };
}

export function newOrderState(quantity: number): OrderState {
  return { status: 'NEW', quantity, filledQty: 0, avgPricePaise: 0 };
}
