import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Clock } from '@/common/clock';
import { AppError } from '@/common/errors';
import type { EventBus } from '@/common/event-bus';
import type { Paise } from '@/common/money';
import type { OrderIntent } from '@/domain/execution';
import type { Instrument } from '@/domain/market';
import type { OrderEntity, OrderOrigin } from './entities/order.entity';
import { buildOrdertag } from './ordertag';
import {
  bestExchange,
  protectionLimitPaise,
  sliceQuantities,
  validateOrderShape,
  type SideQuote,
} from './order-routing';
import type { EventSource } from './order-state';
import type { OrderStore } from './order.store';
import { invalidOrder, storeUnavailable, unknownSymbol } from './orders.errors';
import {
  placementJobId,
  SYSTEM_USER_ID,
  type InstrumentLookup,
  type OrdersRiskPort,
  type PlacementQueue,
} from './orders.ports';
import { toOrderView, type OrderView } from './order-view';

export interface PlaceOptions {
  origin: OrderOrigin;
  /** Signal-executor intents were checked by the risk engine already. */
  riskChecked?: boolean;
  strategyVersion?: string | null;
  /** Bracket children: their role and the entry they protect. */
  leg?: OrderEntity['leg'];
  parentOrderId?: string;
}

export interface RoutingSettings {
  /** Send MARKET orders as limits this far (percent) beyond LTP; 0 sends true market orders. */
  marketProtectionPercent: number;
  ltp?: (symbol: string) => Paise | undefined;
  freezeQuantity?: (inst: Instrument) => number | undefined;
  quote?: (symbol: string) => SideQuote | undefined;
}

export interface OrderPlacementOptions {
  store: OrderStore;
  queue: PlacementQueue;
  instruments: InstrumentLookup;
  risk: OrdersRiskPort;
  clock: Clock;
  bus?: Pick<EventBus, 'emit'>;
  routing?: RoutingSettings;
  /** Entries are refused while reconciliation reports a mismatch (exits still pass). */
  entriesBlocked?: () => string | null;
  /** Everything but SYSTEM exits is refused (trading halted until the startup reconciliation passes). */
  allBlocked?: () => string | null;
  /** Asked only while entries are blocked: does this order reduce an existing position? */
  isExit?: (intent: OrderIntent) => boolean | Promise<boolean>;
  defaultTtlMs: number;
  /** How long the API waits for Redis before leaving the job to the outbox relay. */
  enqueueTimeoutMs: number;
}

export interface PlaceResult {
  order: OrderView;
  created: boolean;
}

/**
 * Accepts order intents: idempotent on (user, clientOrderId), risk-checked, validated and routed, then
 * written with its outbox row in one transaction and handed to the queue. A Redis outage only delays
 * the hand-off (the relay re-enqueues); a database outage refuses the order (503) before anything is sent.
 */
export class OrderPlacementService {
  private readonly logger = new Logger(OrderPlacementService.name);
  constructor(private readonly o: OrderPlacementOptions) {}

  async place(intent: OrderIntent, opts: PlaceOptions): Promise<PlaceResult> {
    try {
      return await this.placeUnsafe(intent, opts);
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.logger.error(`placement failed closed: ${(err as Error).message}`);
      throw storeUnavailable((err as Error).message.slice(0, 200));
    }
  }

  private async placeUnsafe(intent: OrderIntent, opts: PlaceOptions): Promise<PlaceResult> {
    const { store, clock } = this.o;
    const userId = intent.userId ?? SYSTEM_USER_ID;
    const clientOrderId = intent.clientOrderId || randomUUID();
    if (clientOrderId.length > 64) throw invalidOrder('clientOrderId is longer than 64 characters');
    // The insert is idempotent on its own (ON CONFLICT); the early read spares a repeat the risk check and routing.
    const existing = opts.riskChecked ? null : await store.findByClientOrderId(userId, clientOrderId);
    if (existing) return { order: toOrderView(existing), created: false };

    const inst = await this.o.instruments.get(intent.symbol);
    if (!inst) throw unknownSymbol(intent.symbol);
    const now = clock.now();
    const source: EventSource = opts.origin === 'STRATEGY' ? 'STRATEGY' : 'API';

    let refusal: { reason: string; message: string } | null = null;
    const shape = validateOrderShape(intent, inst);
    if (!shape.ok) refusal = { reason: shape.reason, message: shape.message };
    // Before the startup reconciliation passes nothing trades but the kill switch's own exits (SYSTEM);
    // after a mismatch, exits still pass and only new entries wait.
    const halted = opts.origin === 'SYSTEM' ? null : (this.o.allBlocked?.() ?? null);
    if (!refusal && halted) refusal = { reason: 'RECONCILIATION_MISMATCH', message: halted };
    const blocked = refusal ? null : (this.o.entriesBlocked?.() ?? null);
    const exit = blocked ? await (this.o.isExit?.(intent) ?? false) : false;
    if (!refusal && blocked && !exit) refusal = { reason: 'RECONCILIATION_MISMATCH', message: blocked };
    if (!refusal && !opts.riskChecked) {
      const outcome = await this.o.risk.check(intent, { exit });
      if (!outcome.accepted) refusal = { reason: outcome.reason, message: outcome.message };
    }

    const routing = refusal ? null : await this.route(intent, inst);
    const slices = routing?.slices ?? [intent.quantity];
    const base: Partial<OrderEntity> = {
      userId,
      symbol: intent.symbol,
      side: intent.side,
      type: intent.type,
      product: intent.product,
      validity: intent.validity,
      pricePaise: intent.pricePaise ?? null,
      triggerPricePaise: intent.triggerPricePaise ?? null,
      stopLossPaise: intent.stopLossPaise ?? null,
      takeProfitPaise: intent.takeProfitPaise ?? null,
      trailingStopPaise: intent.trailingStopPaise ?? null,
      strategyId: intent.strategyId ?? null,
      strategyVersion: opts.strategyVersion ?? intent.strategyVersion ?? null,
      origin: opts.origin,
      expiresAt: new Date((intent.createdAt || now) + (intent.ttlMs ?? this.o.defaultTtlMs)),
      leg: opts.leg ?? (intent.stopLossPaise || intent.takeProfitPaise ? 'ENTRY' : null),
    };
    const created: OrderEntity[] = [];
    for (let i = 0; i < slices.length; i++) {
      const coid = i === 0 ? clientOrderId : `${clientOrderId}#${i}`.slice(0, 64);
      const ordertag = buildOrdertag(
        await store.nextTagSequence(),
        now,
        opts.strategyVersion ?? intent.strategyVersion,
      );
      const status = refusal ? 'RISK_REJECTED' : 'QUEUED';
      const { order, created: isNew } = await store.insert(
        {
          ...base,
          clientOrderId: coid,
          ordertag,
          quantity: slices[i],
          status,
          reasonCode: refusal?.reason ?? null,
          reasonMessage: refusal?.message ?? null,
          routing: routing
            ? {
                ...routing.decision,
                ...(slices.length > 1 ? { slice: i + 1, of: slices.length, group: clientOrderId } : {}),
              }
            : null,
          parentOrderId: i === 0 ? (opts.parentOrderId ?? null) : (created[0]?.id ?? null),
          leg: i === 0 ? base.leg : 'SLICE',
        },
        [
          { source, type: 'CREATE', toStatus: 'NEW', details: { reason: intent.reason ?? null, ordertag } },
          {
            source: refusal ? 'RISK' : source,
            type: refusal ? 'RISK_REJECT' : 'QUEUE',
            fromStatus: 'NEW',
            toStatus: status,
            details: refusal ?? undefined,
          },
        ],
        refusal ? null : placementJobId(userId, coid),
      );
      if (i === 0 && !isNew) return { order: toOrderView(order), created: false };
      created.push(order);
      if (refusal) break;
    }
    for (const order of created) {
      this.o.bus?.emit('orders.updated', toOrderView(order));
      if (order.status === 'QUEUED') await this.enqueue(order);
    }
    return { order: toOrderView(created[0]), created: true };
  }

  /** Hands the job to Bull; on failure the outbox row stays pending and the relay retries. */
  async enqueue(order: Pick<OrderEntity, 'id' | 'userId' | 'clientOrderId'>): Promise<boolean> {
    const jobId = placementJobId(order.userId, order.clientOrderId);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.o.queue.add(jobId, { orderId: order.id }),
        new Promise(
          (_, reject) =>
            (timer = setTimeout(() => reject(new Error('enqueue timed out')), this.o.enqueueTimeoutMs)),
        ),
      ]);
      return true;
    } catch (err) {
      this.logger.warn(`order ${order.id} kept in the outbox: ${(err as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private async route(
    intent: OrderIntent,
    inst: Instrument,
  ): Promise<{ decision: Record<string, unknown>; slices: number[] }> {
    const r = this.o.routing;
    const decision: Record<string, unknown> = { exchange: inst.exchange };
    if (r?.quote && (inst.exchange === 'NSE' || inst.exchange === 'BSE') && inst.instrumentType === 'EQ') {
      const otherEx = inst.exchange === 'NSE' ? 'BSE' : 'NSE';
      const here = r.quote(inst.symbol);
      const otherInst = await this.o.instruments.get(`${otherEx}:${inst.tradingSymbol}`);
      if (here && otherInst) {
        const pick = bestExchange(intent.side, intent.quantity, here, r.quote(otherInst.symbol));
        decision.exchange = pick.exchange;
        decision.exchangeReason = pick.why;
      }
    }
    const ltp = r?.ltp?.(intent.symbol);
    if (intent.type === 'MARKET' && r && r.marketProtectionPercent > 0 && ltp) {
      decision.limitPricePaise = protectionLimitPaise(
        intent.side,
        ltp,
        r.marketProtectionPercent,
        inst.tickSizePaise,
      );
      decision.marketProtection = { ltpPaise: ltp, bandPercent: r.marketProtectionPercent };
    }
    const freeze = r?.freezeQuantity?.(inst);
    const slices = sliceQuantities(intent.quantity, freeze, inst.lotSize);
    if (slices.length > 1) decision.freezeQuantity = freeze;
    return { decision, slices };
  }
}
