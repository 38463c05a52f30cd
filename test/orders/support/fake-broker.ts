import { BrokerError } from '@/broker/broker.errors';
import type { BrokerOrder, ModifyOrderRequest, OrderAck, PlaceOrderRequest } from '@/broker/broker.types';

export type PlaceFault =
  'timeout-after-accept' | '5xx-after-accept' | '5xx-before-accept' | 'rate-limit' | 'reject' | 'unavailable';

/**
 * An in-memory broker for orders specs: keeps an order book by tag, logs every placeOrder received
 * (the duplicate check), and injects the faults the placement path must survive.
 */
export class FakeBroker {
  readonly tagLog: { tag: string; at: number }[] = [];
  readonly book = new Map<string, BrokerOrder>();
  readonly faults: PlaceFault[] = [];
  lookupFails = false;
  cancels: string[] = [];
  private seq = 100_000_000 + Math.floor(Math.random() * 1e9) * 1000;

  async placeOrder(req: PlaceOrderRequest): Promise<OrderAck> {
    const fault = this.faults.shift();
    if (fault === 'unavailable') throw new BrokerError('unavailable', 'placeOrder', 'connection refused');
    if (fault === '5xx-before-accept') {
      this.tagLog.push({ tag: req.tag, at: Date.now() });
      throw new BrokerError('ambiguous', 'placeOrder', 'HTTP 502', '502', 502);
    }
    if (fault === 'rate-limit') {
      this.tagLog.push({ tag: req.tag, at: Date.now() });
      throw new BrokerError(
        'ambiguous',
        'placeOrder',
        'Access denied because of exceeding access rate',
        '403',
        403,
      );
    }
    this.tagLog.push({ tag: req.tag, at: Date.now() });
    if (fault === 'reject') throw new BrokerError('rejected', 'placeOrder', 'Invalid symbol', 'AB1009');
    const id = String(++this.seq);
    this.book.set(req.tag, this.row(req, id));
    if (fault === 'timeout-after-accept')
      throw new BrokerError('ambiguous', 'placeOrder', 'request timed out');
    if (fault === '5xx-after-accept')
      throw new BrokerError('ambiguous', 'placeOrder', 'HTTP 500', '500', 500);
    return { brokerOrderId: id, uniqueOrderId: null };
  }

  async findOrderByTag(tag: string): Promise<BrokerOrder | null> {
    if (this.lookupFails) throw new BrokerError('unavailable', 'getOrderBook', 'connection refused');
    return this.book.get(tag) ?? null;
  }

  async orderBook(): Promise<BrokerOrder[]> {
    if (this.lookupFails) throw new BrokerError('unavailable', 'getOrderBook', 'connection refused');
    return [...this.book.values()];
  }

  async cancelOrder(brokerOrderId: string): Promise<OrderAck> {
    this.cancels.push(brokerOrderId);
    for (const o of this.book.values())
      if (o.brokerOrderId === brokerOrderId)
        Object.assign(o, { status: 'CANCELLED', rawStatus: 'cancelled' });
    return { brokerOrderId, uniqueOrderId: null };
  }

  async modifyOrder(req: ModifyOrderRequest): Promise<OrderAck> {
    for (const o of this.book.values()) if (o.brokerOrderId === req.brokerOrderId) o.quantity = req.quantity;
    return { brokerOrderId: req.brokerOrderId, uniqueOrderId: null };
  }

  /** Moves a resting order on: cumulative fill and status, as the update stream would report it. */
  fill(tag: string, filled: number, avgPaise: number): BrokerOrder {
    const o = this.book.get(tag)!;
    Object.assign(o, {
      filledQuantity: filled,
      averagePricePaise: avgPaise,
      pendingQuantity: o.quantity - filled,
      status: filled >= o.quantity ? 'COMPLETE' : 'OPEN',
    });
    return { ...o };
  }

  duplicates(): string[] {
    const seen = new Set<string>();
    const dup: string[] = [];
    for (const { tag } of this.tagLog) {
      if (seen.has(tag)) dup.push(tag);
      seen.add(tag);
    }
    return dup;
  }

  private row(req: PlaceOrderRequest, id: string): BrokerOrder {
    return {
      brokerOrderId: id,
      uniqueOrderId: null,
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
      pricePaise: req.pricePaise ?? 0,
      triggerPricePaise: req.triggerPricePaise ?? 0,
      averagePricePaise: 0,
      status: req.type === 'SL' || req.type === 'SL-M' ? 'TRIGGER_PENDING' : 'OPEN',
      rawStatus: 'open',
      message: '',
      updatedAt: Date.now(),
    };
  }
}
