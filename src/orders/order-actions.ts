import { HttpStatus, Logger } from '@nestjs/common';
import { AppError } from '@/common/errors';
import type { Clock } from '@/common/clock';
import type { EventBus } from '@/common/event-bus';
import type { Paise } from '@/common/money';
import { isBrokerError } from '@/broker/broker.errors';
import type { BrokerGateway } from '@/broker/broker-gateway';
import type { OrderEntity } from './entities/order.entity';
import { isTerminal, LIVE_STATUSES, type EventSource } from './order-state';
import type { OrderStore } from './order.store';
import { invalidOrder, notCancellable, notModifiable, OrdersErrorCode } from './orders.errors';
import type { InstrumentLookup } from './orders.ports';
import { toOrderView, type OrderView } from './order-view';
import { BROKER_SEND_WINDOW_MS, type SlidingWindowLimiter } from './rate-limiter';
import { validateOrderShape } from './order-routing';
import { aggregateSlices } from './slice-aggregate';

export interface OrderActionsOptions {
  store: OrderStore;
  broker: Pick<BrokerGateway, 'cancelOrder' | 'modifyOrder'>;
  instruments: InstrumentLookup;
  clock: Clock;
  /**
   * Cancels only, at the broker's cancelOrder limit (20/s, protocol §7.1): never shared with placements,
   * so a cancel (risk-reducing) never waits behind the placement limit (`ORDER_RATE_LIMIT_PER_SEC`).
   */
  cancelLimiter: SlidingWindowLimiter;
  /** Modifies only, at the broker's modifyOrder limit (20/s, protocol §7.1). */
  modifyLimiter: SlidingWindowLimiter;
  bus?: Pick<EventBus, 'emit'>;
  /** Waits before a cancel refused on rate is sent again (tests pass a virtual one). */
  sleep?: (ms: number) => Promise<void>;
}

/** Sends of one cancel refused on rate before it is left to the update stream and the poll. */
const CANCEL_RATE_ATTEMPTS = 3;
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface ModifyInput {
  quantity?: number;
  pricePaise?: Paise;
  triggerPricePaise?: Paise;
}

/**
 * Cancel and modify. A QUEUED order is cancelled locally (the claim then fails, so it is never sent);
 * a resting one goes through CANCEL_PENDING and the broker; an order whose placement is in flight or
 * unknown cannot be cancelled until it is resolved (409), because there is nothing safe to cancel yet.
 */
export class OrderActions {
  private readonly logger = new Logger(OrderActions.name);
  constructor(private readonly o: OrderActionsOptions) {}

  async cancel(order: OrderEntity, source: EventSource, reason: string): Promise<OrderView> {
    const { store, clock } = this.o;
    if (isTerminal(order.status)) throw notCancellable(order.status);
    if (order.status === 'NEW' || order.status === 'QUEUED') {
      const r = await store.apply(order.id, { type: 'CANCEL_REQUEST' }, source, clock.now(), {
        patch: { reasonCode: 'CANCELLED_BEFORE_SEND', reasonMessage: reason },
        details: { reason },
      });
      if (r.step.state.status !== 'CANCELLED') return this.cancel(r.order, source, reason); // claimed meanwhile
      this.emit(r.order);
      return toOrderView(r.order);
    }
    if (!LIVE_STATUSES.has(order.status) || !order.brokerOrderId) throw notCancellable(order.status);
    const r = await store.apply(order.id, { type: 'CANCEL_REQUEST' }, source, clock.now(), {
      details: { reason },
    });
    this.emit(r.order);
    if (r.order.status !== 'CANCEL_PENDING') return toOrderView(r.order);
    try {
      await this.sendCancel(order.brokerOrderId);
      await store.recordEvent(order.id, {
        source,
        type: 'CANCEL_SENT',
        details: { brokerOrderId: order.brokerOrderId },
      });
    } catch (err) {
      // rate_limited: refused by our own limiter before sending, so nothing reached the broker.
      const definite =
        isBrokerError(err) &&
        (err.kind === 'rejected' ||
          err.kind === 'unavailable' ||
          err.kind === 'auth' ||
          err.kind === 'rate_limited');
      if (definite) {
        const back = await store.apply(order.id, { type: 'CANCEL_REJECTED' }, 'BROKER', clock.now(), {
          details: { error: (err as Error).message },
        });
        this.emit(back.order);
        return toOrderView(back.order);
      }
      // Unknown whether the cancel landed: stay CANCEL_PENDING; the update stream or the poll settles it.
      this.logger.warn(`cancel of ${order.id} uncertain: ${(err as Error).message}`);
    }
    return toOrderView((await store.findById(order.id)) ?? r.order);
  }

  /**
   * One cancel, within the cancel limit. Refused on rate (our gateway's limiter, or the broker's
   * "exceeding access rate", which for a write is otherwise ambiguous) it is sent again after a broker
   * window, up to CANCEL_RATE_ATTEMPTS times: unlike a placement, a second cancel cannot duplicate
   * anything (the broker refuses it as already cancelled), while giving up leaves the order resting.
   */
  private async sendCancel(brokerOrderId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.o.cancelLimiter.acquire();
      try {
        await this.o.broker.cancelOrder(brokerOrderId);
        return;
      } catch (err) {
        const onRate = isBrokerError(err) && (err.kind === 'rate_limited' || err.code === 'RATE_LIMIT');
        if (!onRate || attempt >= CANCEL_RATE_ATTEMPTS) throw err;
        this.logger.warn(`cancel of broker order ${brokerOrderId} refused on rate; sending it again`);
        await (this.o.sleep ?? defaultSleep)(BROKER_SEND_WINDOW_MS);
      }
    }
  }

  async modify(order: OrderEntity, input: ModifyInput, source: EventSource): Promise<OrderView> {
    const { store, clock } = this.o;
    if (!LIVE_STATUSES.has(order.status) || order.status === 'CANCEL_PENDING' || !order.brokerOrderId)
      throw notModifiable(order.status);
    const inst = await this.o.instruments.get(order.symbol);
    if (!inst) throw notModifiable('UNKNOWN_INSTRUMENT');
    const next = {
      side: order.side,
      type: order.type,
      quantity: input.quantity ?? order.quantity,
      pricePaise: input.pricePaise ?? order.pricePaise,
      triggerPricePaise: input.triggerPricePaise ?? order.triggerPricePaise,
    };
    const check = validateOrderShape(next, inst);
    if (!check.ok) throw invalidOrder(check.message, { reason: check.reason });
    if (next.quantity <= order.filledQuantity) throw invalidOrder('quantity must exceed the filled quantity');
    // A slice of an order split above the freeze quantity may not grow past it (the exchange refuses it).
    const freeze = order.routing?.freezeQuantity;
    if (typeof freeze === 'number' && next.quantity > freeze)
      throw invalidOrder(
        `quantity ${next.quantity} is above the freeze quantity ${freeze} of ${order.symbol}`,
        {
          field: 'quantity',
          freezeQuantity: freeze,
        },
      );
    await this.o.modifyLimiter.acquire();
    try {
      await this.o.broker.modifyOrder({
        brokerOrderId: order.brokerOrderId,
        instrument: {
          symbol: inst.symbol,
          exchange: inst.exchange,
          tradingSymbol: inst.tradingSymbol,
          token: inst.token,
        },
        quantity: next.quantity,
        type: order.type,
        product: order.product,
        validity: order.validity,
        pricePaise: next.pricePaise ?? undefined,
        triggerPricePaise: next.triggerPricePaise ?? undefined,
      });
    } catch (err) {
      await store.recordEvent(order.id, {
        source,
        type: 'MODIFY_FAILED',
        details: { error: (err as Error).message, ...input },
      });
      throw invalidOrder(`the broker did not take the modification: ${(err as Error).message}`);
    }
    const r = await store.apply(order.id, { type: 'MODIFY', quantity: next.quantity }, source, clock.now(), {
      type: 'MODIFY',
      patch: { pricePaise: next.pricePaise, triggerPricePaise: next.triggerPricePaise },
      details: { ...input },
    });
    this.emit(r.order);
    return toOrderView(r.order);
  }

  /**
   * Cancels every non-terminal order (of one user, or all; slices are orders of their own, so every
   * slice is among them) and returns what happened to each. All cancels start at once: each waits only
   * on the cancel limiter (the broker's cancelOrder limit), so with N resting orders the last is sent
   * after about floor((N - 1) / 20) broker windows, whatever the placement limit.
   */
  async cancelMany(
    orders: OrderEntity[],
    source: EventSource,
    reason: string,
  ): Promise<{ cancelled: number; pending: number; failed: { id: string; error: string }[] }> {
    const out = { cancelled: 0, pending: 0, failed: [] as { id: string; error: string }[] };
    await Promise.all(
      orders.map(async (o) => {
        try {
          const v = await this.cancel(o, source, reason);
          if (v.status === 'CANCELLED') out.cancelled++;
          else out.pending++;
        } catch (err) {
          out.failed.push({ id: o.id, error: (err as Error).message });
        }
      }),
    );
    return out;
  }

  /**
   * Cancels an order split into slices above the freeze quantity: every slice still live, all at once.
   * Slices already ended are left as they are and slices whose cancel is already pending are not sent
   * again. Refused (409, nothing sent) when no slice is live; when some slices could not be cancelled
   * now (their placement in flight or unknown) the others are cancelled and the answer is a 409 naming
   * the ones left, so the caller knows to try again.
   */
  async cancelSlices(slices: OrderEntity[], source: EventSource, reason: string): Promise<void> {
    const live = slices.filter((o) => !isTerminal(o.status) && o.status !== 'CANCEL_PENDING');
    if (!live.length) {
      if (slices.some((o) => o.status === 'CANCEL_PENDING')) return;
      throw notCancellable(aggregateSlices(slices).status);
    }
    const refused: { id: string; status: string; error: string }[] = [];
    await Promise.all(
      live.map((o) =>
        this.cancel(o, source, reason).catch((err: unknown) => {
          refused.push({ id: o.id, status: o.status, error: (err as Error).message });
        }),
      ),
    );
    if (!refused.length) return;
    const sent = live.length - refused.length;
    throw new AppError(
      OrdersErrorCode.NotCancellable,
      `${refused.length} of ${slices.length} slices cannot be cancelled now (${refused
        .map((r) => `${r.id} in ${r.status}`)
        .join(
          ', ',
        )}); ${sent} other live slice${sent === 1 ? '' : 's'} cancelled. Try again once the placement resolves`,
      HttpStatus.CONFLICT,
      { reason: 'SLICES_NOT_CANCELLABLE', notCancelled: refused },
    );
  }

  private emit(order: OrderEntity): void {
    this.o.bus?.emit('orders.updated', toOrderView(order));
  }
}
