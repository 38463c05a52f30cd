/** One paper order's mutable state and the checks a broker would make before accepting it. */
import { BrokerError } from '@/broker/broker.errors';
import type {
  BrokerOrder,
  BrokerOrderStatus,
  ModifyOrderRequest,
  PlaceOrderRequest,
} from '@/broker/broker.types';
import type { Paise } from '@/common/money';
import type { OrderType, Side } from '@/domain/market';
import { stopTriggered } from './paper-matcher';

export interface InstrumentSpec {
  lotSize: number;
  tickSizePaise: Paise;
}

export interface PaperOrder {
  order: BrokerOrder;
  key: string;
  spec: InstrumentSpec;
  /** A stop order whose trigger was reached now works as a limit (SL) or market (SL-M) order. */
  triggered: boolean;
  /** The snapshot sequence this order was last matched against; null until it meets its first one. */
  evaluatedSeq: number | null;
  filledValuePaise: Paise;
  fillCount: number;
  /** Margin held per unit of the quantity that adds exposure, and that quantity. */
  blockPerUnitPaise: Paise;
  exposureQuantity: number;
}

const WORKING: ReadonlySet<BrokerOrderStatus> = new Set(['PENDING', 'OPEN', 'TRIGGER_PENDING']);

export function isWorking(o: BrokerOrder): boolean {
  return WORKING.has(o.status);
}

export const isStop = (type: OrderType): boolean => type === 'SL' || type === 'SL-M';

/** The limit a working order matches with: undefined for market and triggered SL-M orders. */
export function workingLimit(p: PaperOrder): Paise | undefined {
  const t = p.order.type;
  return t === 'LIMIT' || t === 'SL' ? p.order.pricePaise : undefined;
}

type Shape = Pick<PlaceOrderRequest, 'quantity' | 'type' | 'pricePaise' | 'triggerPricePaise'> & {
  side: Side;
};

/**
 * The broker's up-front refusals, thrown as `BrokerError('rejected')` like the real API's field errors:
 * nothing is placed. `ltpPaise` lets a stop whose trigger is already crossed be refused, as the
 * exchange does.
 */
export function validateShape(route: string, o: Shape, spec: InstrumentSpec, ltpPaise?: Paise): void {
  const bad = (msg: string) => new BrokerError('rejected', route, msg);
  if (!Number.isSafeInteger(o.quantity) || o.quantity <= 0) throw bad('quantity must be a positive integer');
  if (o.quantity % Math.max(1, spec.lotSize) !== 0)
    throw bad(`quantity must be a multiple of the lot size ${spec.lotSize}`);
  const onGrid = (p: Paise) => Number.isSafeInteger(p) && p > 0 && p % Math.max(1, spec.tickSizePaise) === 0;
  if ((o.type === 'LIMIT' || o.type === 'SL') && !onGrid(o.pricePaise ?? 0))
    throw bad(`${o.type} needs a positive price on the ${spec.tickSizePaise}-paise tick`);
  if (!isStop(o.type)) return;
  const trigger = o.triggerPricePaise ?? 0;
  if (!onGrid(trigger))
    throw bad(`${o.type} needs a positive trigger price on the ${spec.tickSizePaise}-paise tick`);
  if (o.type === 'SL' && (o.side === 'BUY' ? trigger > o.pricePaise! : trigger < o.pricePaise!))
    throw bad(
      o.side === 'BUY'
        ? 'a buy stop-limit needs trigger <= price'
        : 'a sell stop-limit needs trigger >= price',
    );
  if (ltpPaise !== undefined && stopTriggered(o.side, ltpPaise, trigger))
    throw bad('trigger price is already crossed by the last traded price');
}

export function newOrder(id: string, uniqueId: string, req: PlaceOrderRequest, now: number): BrokerOrder {
  return {
    brokerOrderId: id,
    uniqueOrderId: uniqueId,
    tag: req.tag,
    symbol: req.instrument.symbol,
    exchange: req.instrument.exchange,
    token: req.instrument.token,
    side: req.side,
    type: req.type,
    product: req.product,
    validity: req.validity,
    quantity: req.quantity,
    filledQuantity: 0,
    pendingQuantity: req.quantity,
    cancelledQuantity: 0,
    pricePaise: req.type === 'LIMIT' || req.type === 'SL' ? (req.pricePaise ?? 0) : 0,
    triggerPricePaise: isStop(req.type) ? (req.triggerPricePaise ?? 0) : 0,
    averagePricePaise: 0,
    status: 'PENDING',
    rawStatus: 'open pending',
    message: '',
    updatedAt: now,
  };
}

export function applyModify(p: PaperOrder, req: ModifyOrderRequest, now: number): void {
  const o = p.order;
  if (req.quantity <= o.filledQuantity)
    throw new BrokerError('rejected', 'modifyOrder', `quantity must exceed the filled ${o.filledQuantity}`);
  const wasStop = isStop(o.type);
  o.quantity = req.quantity;
  o.pendingQuantity = req.quantity - o.filledQuantity;
  o.type = req.type;
  o.validity = req.validity;
  o.pricePaise = req.type === 'LIMIT' || req.type === 'SL' ? (req.pricePaise ?? 0) : 0;
  o.triggerPricePaise = isStop(req.type) ? (req.triggerPricePaise ?? 0) : 0;
  if (!isStop(req.type) || !wasStop) p.triggered = false;
  // A modified order loses its place in the queue: it is matched as a new arrival.
  p.evaluatedSeq = null;
  o.updatedAt = now;
}

export function setStatus(o: BrokerOrder, status: BrokerOrderStatus, now: number, message = ''): void {
  o.status = status;
  o.rawStatus = RAW[status];
  if (message) o.message = message;
  o.updatedAt = now;
}

const RAW: Record<BrokerOrderStatus, string> = {
  PENDING: 'open pending',
  OPEN: 'open',
  TRIGGER_PENDING: 'trigger pending',
  COMPLETE: 'complete',
  CANCELLED: 'cancelled',
  REJECTED: 'rejected',
  MODIFY_PENDING: 'modify pending',
  CANCEL_PENDING: 'cancel pending',
  UNKNOWN: 'unknown',
};
