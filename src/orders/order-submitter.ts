import { Logger } from '@nestjs/common';
import type { Clock } from '@/common/clock';
import type { EventBus } from '@/common/event-bus';
import { isBrokerError } from '@/broker/broker.errors';
import type { BrokerGateway } from '@/broker/broker-gateway';
import type { BrokerOrder, PlaceOrderRequest } from '@/broker/broker.types';
import type { OrderEntity } from './entities/order.entity';
import type { InstrumentLookup, OrdersRiskPort } from './orders.ports';
import type { OrderStore } from './order.store';
import { toOrderView } from './order-view';
import type { SlidingWindowLimiter } from './rate-limiter';

export type SubmitOutcome = 'sent' | 'rejected' | 'unknown' | 'expired' | 'skipped' | 'found';

export interface OrderSubmitterOptions {
  store: OrderStore;
  broker: Pick<BrokerGateway, 'placeOrder'>;
  instruments: InstrumentLookup;
  clock: Clock;
  limiter: SlidingWindowLimiter;
  /**
   * The same limit measured at the moment of sending: claim latency varies (a busy database), so the
   * pre-claim limiter alone would let bursts of more than the limit reach the broker in some second.
   */
  sendLimiter?: SlidingWindowLimiter;
  bus?: Pick<EventBus, 'emit'>;
  /**
   * The trading state at send time: a job claimed after a halt (in another process, or racing the
   * kill switch's cancels) is refused here rather than sent, except the kill switch's own exits (SYSTEM).
   */
  risk?: Pick<OrdersRiskPort, 'state'>;
  /**
   * For jobs marked `verify`: the broker's order with this tag, if any (a claim lost in a database
   * crash may hide an earlier send), and where a found one is applied.
   */
  lookup?: (tag: string) => Promise<BrokerOrder | null>;
  applyFound?: (found: BrokerOrder) => Promise<unknown>;
  /** Called once an order became UNKNOWN, so the resolver looks it up at once. */
  onUnknown?: (orderId: string) => void;
  /** Test hook: runs at named points of a placement (the kill -9 test crashes the process there). */
  probe?: (
    point: 'claimed' | 'before-send' | 'after-send' | 'recorded',
    order: OrderEntity,
  ) => void | Promise<void>;
}

/**
 * The placement job handler, safe to run twice: it sends only after winning the QUEUED -> SUBMITTING
 * claim, and it never retries a send. Anything that may have reached the broker becomes UNKNOWN.
 */
export class OrderSubmitter {
  private readonly logger = new Logger(OrderSubmitter.name);
  constructor(private readonly o: OrderSubmitterOptions) {}

  async submit(orderId: string, opts: { verify?: boolean } = {}): Promise<SubmitOutcome> {
    const { store, clock } = this.o;
    // Wait for a rate slot before claiming: a claimed order never waits, so a crash while waiting leaves it QUEUED.
    await this.o.limiter.acquire();
    const claim = await store.claim(orderId, clock.now());
    if (claim.kind === 'skipped') return 'skipped';
    if (claim.kind === 'expired') {
      this.emit(claim.order);
      return 'expired';
    }
    const order = claim.order;
    // SUBMITTING is announced once the send is under way (or the order ends without one): listeners
    // (WebSocket fan-out, the cross-process bridge) run synchronously and are not on the way to the broker.
    let announced = false;
    const announce = (): void => {
      if (!announced) this.emit(order);
      announced = true;
    };
    await this.o.probe?.('claimed', order);
    if (opts.verify) {
      announce();
      const seen = await this.verify(order);
      if (seen) return seen;
    }

    if (order.origin !== 'SYSTEM' && this.o.risk?.state() === 'HALTED') {
      announce();
      return this.finishRejected(order, 'TRADING_HALTED', 'trading was halted before the order was sent');
    }
    const inst = await this.o.instruments.get(order.symbol);
    if (!inst) {
      announce();
      return this.finishRejected(order, 'UNKNOWN_INSTRUMENT', `no instrument ${order.symbol}`);
    }
    const routedExchange = typeof order.routing?.exchange === 'string' ? order.routing.exchange : null;
    const routed =
      routedExchange && routedExchange !== inst.exchange
        ? await this.o.instruments.get(`${routedExchange}:${inst.tradingSymbol}`)
        : undefined;
    const target = routed ?? inst;
    const limitPrice =
      typeof order.routing?.limitPricePaise === 'number' ? order.routing.limitPricePaise : undefined;
    const req: PlaceOrderRequest = {
      tag: order.ordertag,
      instrument: {
        symbol: target.symbol,
        exchange: target.exchange,
        tradingSymbol: target.tradingSymbol,
        token: target.token,
      },
      side: order.side,
      quantity: order.quantity,
      type: limitPrice !== undefined && order.type === 'MARKET' ? 'LIMIT' : order.type,
      product: order.product,
      validity: order.validity,
      pricePaise: limitPrice ?? order.pricePaise ?? undefined,
      triggerPricePaise: order.triggerPricePaise ?? undefined,
      priority: order.leg === 'STOP' || order.leg === 'EXIT' ? 'exit' : 'entry',
    };
    await this.o.sendLimiter?.acquire();
    await this.o.probe?.('before-send', order);
    try {
      const sending = this.o.broker.placeOrder(req);
      announce();
      const ack = await sending;
      await this.o.probe?.('after-send', order);
      const status = order.type === 'SL' || order.type === 'SL-M' ? 'TRIGGER_PENDING' : 'OPEN';
      const r = await store.ack(order, status, ack.brokerOrderId, clock.now());
      if (r.written) this.emit(r.order);
      await this.o.probe?.('recorded', r.order);
      return 'sent';
    } catch (err) {
      announce(); // placeOrder threw before returning its promise, or the sequence never reached it
      if (
        isBrokerError(err) &&
        (err.kind === 'rejected' || err.kind === 'unavailable' || err.kind === 'auth')
      ) {
        // Definitely not placed: the broker refused or was never reached.
        return this.finishRejected(order, `BROKER_${err.kind.toUpperCase()}`, err.message, err.code);
      }
      // Timeout, 5xx, dropped socket, rate-limit answer, unparseable reply, or a bug after sending: may exist.
      const message = err instanceof Error ? err.message : String(err);
      const r = await store.apply(order.id, { type: 'AMBIGUOUS', reason: message }, 'WORKER', clock.now(), {
        patch: { reasonCode: 'AMBIGUOUS_SUBMIT', reasonMessage: message.slice(0, 500) },
        details: {
          kind: isBrokerError(err) ? err.kind : 'exception',
          code: isBrokerError(err) ? err.code : null,
        },
      });
      if (r.written) this.emit(r.order);
      this.logger.warn(`order ${order.id} (${order.ordertag}) outcome unknown: ${message}`);
      this.o.onUnknown?.(order.id);
      return 'unknown';
    }
  }

  /** Looks the tag up before a resend from the relay: found is applied, a failed lookup is UNKNOWN. */
  private async verify(order: OrderEntity): Promise<SubmitOutcome | null> {
    try {
      if (!this.o.lookup) throw new Error('no broker lookup is wired');
      const found = await this.o.lookup(order.ordertag);
      if (!found) return null;
      await this.o.applyFound?.(found);
      this.logger.warn(
        `order ${order.id} (${order.ordertag}) was already at the broker: recorded, not resent`,
      );
      return 'found';
    } catch (err) {
      const message = `could not check the broker before sending: ${(err as Error).message}`;
      const r = await this.o.store.apply(
        order.id,
        { type: 'AMBIGUOUS', reason: message },
        'WORKER',
        this.o.clock.now(),
        {
          patch: { reasonCode: 'AMBIGUOUS_SUBMIT', reasonMessage: message.slice(0, 500) },
        },
      );
      if (r.written) this.emit(r.order);
      this.o.onUnknown?.(order.id);
      return 'unknown';
    }
  }

  private async finishRejected(
    order: OrderEntity,
    code: string,
    message: string,
    brokerCode?: string | null,
  ): Promise<SubmitOutcome> {
    const r = await this.o.store.apply(order.id, { type: 'NOT_AT_BROKER' }, 'BROKER', this.o.clock.now(), {
      type: 'REJECT',
      patch: { reasonCode: code, reasonMessage: message.slice(0, 500) },
      details: { code, brokerCode: brokerCode ?? null },
    });
    if (r.written) this.emit(r.order);
    return 'rejected';
  }

  private emit(order: OrderEntity): void {
    this.o.bus?.emit('orders.updated', toOrderView(order));
  }
}
