import { paiseToRupees, type Paise } from '@/common/money';
import type { OrderEntity } from './entities/order.entity';
import type { OrderEventEntity } from './entities/order-event.entity';
import type { TradeEntity } from './entities/trade.entity';

/** The order as the API, the WebSocket `orders` channel and the EventBus show it. Prices as rupee strings. */
export interface OrderView {
  id: string;
  userId: string;
  clientOrderId: string;
  ordertag: string;
  brokerOrderId: string | null;
  symbol: string;
  side: OrderEntity['side'];
  quantity: number;
  type: OrderEntity['type'];
  product: OrderEntity['product'];
  validity: OrderEntity['validity'];
  price: string | null;
  triggerPrice: string | null;
  stopLoss: string | null;
  takeProfit: string | null;
  trailingStop: string | null;
  filledQuantity: number;
  averagePrice: string;
  status: OrderEntity['status'];
  reasonCode: string | null;
  reasonMessage: string | null;
  routing: Record<string, unknown> | null;
  strategyId: string | null;
  origin: OrderEntity['origin'];
  parentOrderId: string | null;
  leg: OrderEntity['leg'];
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
}

export interface OrderEventView {
  id: string;
  source: string;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  details: Record<string, unknown> | null;
  at: string;
}

export interface FillView {
  orderId: string;
  userId: string;
  symbol: string;
  side: TradeEntity['side'];
  quantity: number;
  pricePaise: Paise;
  cumQuantity: number;
  strategyId: string | null;
  product: OrderEntity['product'];
  at: number;
}

const rupees = (p: Paise | null) => (p === null ? null : paiseToRupees(p));

export function toOrderView(o: OrderEntity): OrderView {
  return {
    id: o.id,
    userId: o.userId,
    clientOrderId: o.clientOrderId,
    ordertag: o.ordertag,
    brokerOrderId: o.brokerOrderId,
    symbol: o.symbol,
    side: o.side,
    quantity: o.quantity,
    type: o.type,
    product: o.product,
    validity: o.validity,
    price: rupees(o.pricePaise),
    triggerPrice: rupees(o.triggerPricePaise),
    stopLoss: rupees(o.stopLossPaise),
    takeProfit: rupees(o.takeProfitPaise),
    trailingStop: rupees(o.trailingStopPaise),
    filledQuantity: o.filledQuantity,
    averagePrice: paiseToRupees(o.avgPricePaise),
    status: o.status,
    reasonCode: o.reasonCode,
    reasonMessage: o.reasonMessage,
    routing: o.routing,
    strategyId: o.strategyId,
    origin: o.origin,
    parentOrderId: o.parentOrderId,
    leg: o.leg,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    expiresAt: o.expiresAt ? o.expiresAt.toISOString() : null,
  };
}

export function toEventView(e: OrderEventEntity): OrderEventView {
  return {
    id: e.id,
    source: e.source,
    type: e.type,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    details: e.details,
    at: e.createdAt.toISOString(),
  };
}

declare module '@/common/event-bus' {
  interface PlatformEvents {
    /** Any change of an order's state (WebSocket `orders` channel, portfolio open-order view). */
    'orders.updated': OrderView;
    /** A fill: the growth of an order's cumulative filled quantity (portfolio positions and P&L). */
    'orders.fill': FillView;
  }
}
