import { Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '@/common/clock';
import { AppError } from '@/common/errors';
import type { EventBus } from '@/common/event-bus';
import type { Paise } from '@/common/money';
import type { OrderIntent } from '@/domain/execution';
import type { Instrument, Tick } from '@/domain/market';
import type { OrderEntity, OrderOrigin } from './entities/order.entity';
import { buildOrdertag } from './ordertag';
import {
  bestExchange,
  protectionLimitPaise,
  sideQuoteOf,
  sliceQuantities,
  validateOrderShape,
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
  /** Per-instrument band (by exchange segment), over `marketProtectionPercent`. */
  protectionPercent?: (inst: Instrument) => number | undefined;
  ltp?: (symbol: string) => Paise | undefined;
  freezeQuantity?: (inst: Instrument) => number | undefined;
  /** Latest ticks (with depth) by symbol, e.g. from the market-data cache; fresher than `staleMs` only. */
  ticks?: (symbols: string[]) => Promise<Map<string, Tick>>;
  staleMs?: number;
  /** The same stock on the other cash exchange, for best-side routing. */
  counterpart?: (inst: Instrument) => Promise<Instrument | undefined>;
  /**
   * May this order go to `target` rather than the requested listing? No when the user holds a position
   * in the requested listing (an exit must trade where the position is).
   */
  mayReroute?: (intent: OrderIntent, requested: Instrument) => Promise<boolean>;
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
    const clientOrderId = intent.clientOrderId || uuidv7();
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

    const routing = refusal ? null : await this.route(intent, inst, opts);
    const slices = routing?.slices ?? [intent.quantity];
    const base: Partial<OrderEntity> = {
      userId,
      symbol: routing?.target.symbol ?? intent.symbol,
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
      const {
        order,
        created: isNew,
        alongside,
      } = await store.insert(
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
        // The queue hand-off overlaps the durable write (see OrderStore.insert): the Redis hop is not
        // added to the database's commit time on the way to the broker.
        refusal ? undefined : (id) => this.enqueue({ id, userId, clientOrderId: coid }),
      );
      if (i === 0 && !isNew) return { order: toOrderView(order), created: false };
      created.push(order);
      this.o.bus?.emit('orders.updated', toOrderView(order));
      await alongside;
      if (refusal) break;
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

  /**
   * The routing decision, recorded on the order: best cash exchange for a dual-listed stock (entries
   * only), a marketable limit inside the protection band for a MARKET order, slices above the freeze
   * quantity. `symbol` is where the order trades (its fills and position belong there).
   */
  private async route(
    intent: OrderIntent,
    inst: Instrument,
    opts: PlaceOptions,
  ): Promise<{ decision: Record<string, unknown>; slices: number[]; target: Instrument }> {
    const r = this.o.routing;
    const decision: Record<string, unknown> = { exchange: inst.exchange };
    let target = inst;
    const other =
      r?.counterpart && !opts.leg && opts.origin !== 'SYSTEM' && inst.instrumentType === 'EQ'
        ? await r.counterpart(inst).catch(() => undefined)
        : undefined;
    const ticks = await this.freshTicks(other ? [inst.symbol, other.symbol] : [inst.symbol]);
    if (other && (inst.exchange === 'NSE' || inst.exchange === 'BSE')) {
      const otherEx = other.exchange as 'NSE' | 'BSE';
      const pick = bestExchange(
        intent.side,
        intent.quantity,
        sideQuoteOf(inst.exchange, ticks.get(inst.symbol)),
        ticks.has(other.symbol) ? sideQuoteOf(otherEx, ticks.get(other.symbol)) : undefined,
      );
      decision.exchangeReason = pick.why;
      if (pick.exchange !== inst.exchange) {
        if (await (r?.mayReroute?.(intent, inst) ?? true)) {
          target = other;
          decision.exchange = other.exchange;
          decision.symbol = other.symbol;
          decision.requestedSymbol = inst.symbol;
        } else decision.exchangeReason = `${pick.why}; kept on ${inst.exchange}, where the position is`;
      }
    }
    if (intent.type === 'MARKET' && r) {
      const band = r.protectionPercent?.(target) ?? r.marketProtectionPercent;
      const tick = ticks.get(target.symbol);
      const ltp = tick?.ltpPaise ?? r.ltp?.(target.symbol);
      if (band > 0 && ltp) {
        decision.limitPricePaise = protectionLimitPaise(intent.side, ltp, band, target.tickSizePaise, {
          upper: tick?.upperCircuitPaise,
          lower: tick?.lowerCircuitPaise,
        });
        decision.marketProtection = { ltpPaise: ltp, bandPercent: band };
      } else if (band > 0) {
        // No fresh price to anchor a band: the exchange's own market protection applies.
        decision.marketProtection = { bandPercent: band, skipped: 'no fresh LTP' };
      }
    }
    const freeze = r?.freezeQuantity?.(target);
    const slices = sliceQuantities(intent.quantity, freeze, target.lotSize);
    if (slices.length > 1) decision.freezeQuantity = freeze;
    return { decision, slices, target };
  }

  private async freshTicks(symbols: string[]): Promise<Map<string, Tick>> {
    const r = this.o.routing;
    if (!r?.ticks) return new Map();
    const all = await r.ticks(symbols).catch(() => new Map<string, Tick>());
    const now = this.o.clock.now();
    for (const [s, t] of all) if (r.staleMs && now - t.receivedAt > r.staleMs) all.delete(s);
    return all;
  }
}
