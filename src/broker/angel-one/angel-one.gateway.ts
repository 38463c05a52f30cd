/**
 * `BrokerGateway` over Angel One SmartAPI: the session manager, the typed REST client (behind the
 * rate limiter), the SmartStream client and the order-update client, all pointed at configurable URLs
 * so the same code talks to Angel One or to the embedded simulator.
 */
import { BrokerGateway, type Unsubscribe } from '@/broker/broker-gateway';
import { BrokerError } from '@/broker/broker.errors';
import { consoleLogger, type BrokerLogger } from '@/broker/broker-logger';
import type {
  BrokerHolding,
  BrokerOrder,
  BrokerPosition,
  BrokerProfile,
  BrokerTrade,
  CandleRequest,
  Funds,
  ModifyOrderRequest,
  OrderAck,
  OrderUpdate,
  PlaceOrderRequest,
  Quote,
  QuoteMode,
  SessionStatus,
  TickSubscription,
} from '@/broker/broker.types';
import type { Candle, Instrument, Tick } from '@/domain/market';
import { HttpTransport } from './http-transport';
import * as map from './mapper';
import * as reads from './market-reads';
import type { NetworkIdentity } from './network-identity';
import { OrderUpdateClient } from './order-update-client';
import { RateLimiter } from './rate-limiter';
import { AngelRestClient } from './rest-client';
import type { SessionStore } from './session/session-store';
import { SessionManager } from './session/session-manager';
import { SmartStreamClient } from './smart-stream-client';
import { buildTick } from './tick-builder';

export interface AngelOneGatewayOptions {
  restUrl: string;
  streamUrl: string;
  orderUpdateUrl: string;
  scripMasterUrl: string;
  apiKey: string;
  clientCode: string;
  pin: string;
  totpSecret: string;
  /** The registered static IP orders leave from; sent as X-ClientPublicIP. */
  publicIp: string;
  store: SessionStore;
  requestTimeoutMs?: number;
  orderRateLimitPerSec?: number;
  dailyReloginTime?: string;
  identity?: NetworkIdentity;
  logger?: (context: string) => BrokerLogger;
  stream?: {
    pingIntervalMs?: number;
    pongTimeoutMs?: number;
    reconnectBaseMs?: number;
    reconnectMaxMs?: number;
  };
  orderUpdatePollMs?: number;
  /** SmartStream wire units per rupee for CDS (currency) prices; 100 (paise) unless Angel says otherwise. */
  cdsPriceDivisor?: number;
  /** Open the order-update socket on connect (one process per client code should; the limit is 3). */
  orderUpdates?: boolean;
}

export class AngelOneGateway extends BrokerGateway {
  readonly session: SessionManager;
  readonly rest: AngelRestClient;
  readonly limiter: RateLimiter;
  readonly stream: SmartStreamClient;
  readonly orderUpdates: OrderUpdateClient;
  private readonly http: HttpTransport;
  private readonly tickHandlers = new Set<(t: Tick) => void>();
  private readonly updateHandlers = new Set<(u: OrderUpdate) => void>();
  /** `exchangeType:token` -> subscribed instrument, to name ticks. */
  private readonly tokenMeta = new Map<string, Pick<Instrument, 'symbol' | 'exchange' | 'token'>>();
  /** Cancel needs the order's variety, and the egress cap its exchange; remembered from placements and updates. */
  private readonly orderMeta = new Map<string, { variety: string; exchange: string }>();
  private readonly log: BrokerLogger;
  private connected = false;
  private authCheck: Promise<unknown> | null = null;

  constructor(private readonly o: AngelOneGatewayOptions) {
    super();
    const logger = o.logger ?? consoleLogger;
    this.log = logger('AngelOneGateway');
    this.session = new SessionManager({
      clientCode: o.clientCode,
      pin: o.pin,
      totpSecret: o.totpSecret,
      store: o.store,
      dailyReloginTime: o.dailyReloginTime,
      logger: logger('BrokerSession'),
    });
    this.limiter = new RateLimiter({ orderRatePerSec: o.orderRateLimitPerSec ?? 8 });
    this.http = new HttpTransport({
      baseUrl: o.restUrl,
      apiKey: o.apiKey,
      publicIp: o.publicIp,
      identity: o.identity,
      timeoutMs: o.requestTimeoutMs,
      limiter: this.limiter,
      secrets: () => this.session.secrets(),
    });
    this.rest = new AngelRestClient(this.http, () => this.session.jwt());
    this.session.attach(this.rest);
    const credentials = () => ({ jwt: this.session.jwt(), feedToken: this.session.feedToken() });
    this.stream = new SmartStreamClient({
      url: o.streamUrl,
      apiKey: o.apiKey,
      clientCode: o.clientCode,
      credentials,
      logger: logger('SmartStream'),
      ...o.stream,
      onTick: (t, receivedAt) => {
        if (this.tickHandlers.size === 0) return;
        const meta = this.tokenMeta.get(`${t.exchangeType}:${t.token}`);
        if (!meta) return;
        const tick = buildTick(t, meta, receivedAt, o.cdsPriceDivisor);
        for (const h of this.tickHandlers) h(tick);
      },
      onAuthRejected: () => this.recheckSession(),
    });
    this.orderUpdates = new OrderUpdateClient({
      url: o.orderUpdateUrl,
      apiKey: o.apiKey,
      clientCode: o.clientCode,
      credentials,
      logger: logger('OrderUpdates'),
      ...o.stream,
      pollIntervalMs: o.orderUpdatePollMs,
      pollOrderBook: () => this.orderBook(),
      onUpdate: (u) => {
        this.orderMeta.set(u.order.brokerOrderId, {
          variety: u.order.type === 'SL' || u.order.type === 'SL-M' ? 'STOPLOSS' : 'NORMAL',
          exchange: u.order.exchange,
        });
        for (const h of this.updateHandlers) h(u);
      },
      onAuthRejected: () => this.recheckSession(),
    });
    // After a re-login the sockets must reconnect with the new JWT and feed token.
    this.session.onTokens(() => {
      if (!this.connected) return;
      this.stream.recycle();
      this.orderUpdates.recycle();
    });
  }

  /** Where orders leave from, for the connectivity check (never looked up online). */
  get networkIdentity() {
    return this.http.networkIdentity;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.session.start();
    this.connected = true;
    // SmartStream shards open lazily, on the first subscription.
    this.stream.start();
    if (this.o.orderUpdates !== false) this.orderUpdates.start();
  }

  async disconnect(opts: { logout?: boolean } = {}): Promise<void> {
    this.connected = false;
    this.stream.stop();
    this.orderUpdates.stop();
    if (opts.logout) await this.session.logout();
    this.session.stop();
    this.limiter.close();
  }

  sessionStatus(): SessionStatus {
    return this.session.status();
  }

  /** Readiness: a live session and open sockets. */
  health(): { up: boolean; details: Record<string, unknown> } {
    const s = this.session.status();
    return {
      up: s.state === 'CONNECTED',
      details: {
        session: s.state,
        ...(s.reason ? { reason: s.reason } : {}),
        orderUpdatesConnected: this.orderUpdates.isConnected,
        streamConnections: this.stream.counters.connections,
        subscriptions: this.stream.subscriptionCount,
      },
    };
  }

  async profile(): Promise<BrokerProfile> {
    const p = await this.session.withSession(() => this.rest.getProfile());
    return { clientCode: p.clientcode, name: p.name, exchanges: p.exchanges, products: p.products };
  }

  async placeOrder(req: PlaceOrderRequest): Promise<OrderAck> {
    // Refused here, before sending: the broker would answer AB4008 anyway (§1.4).
    if (!req.tag || req.tag.length >= 20)
      throw new BrokerError('rejected', 'placeOrder', 'ordertag must be 1-19 characters', 'AB4008');
    const body = map.toWireOrder(req);
    const ack = await this.session.withSession(() =>
      this.rest.placeOrder(body, {
        priority: req.priority === 'exit' ? 'high' : 'normal',
        segment: req.instrument.exchange,
      }),
    );
    this.orderMeta.set(ack.orderid, { variety: body.variety, exchange: body.exchange });
    return { brokerOrderId: ack.orderid, uniqueOrderId: ack.uniqueorderid ?? null };
  }

  async modifyOrder(req: ModifyOrderRequest): Promise<OrderAck> {
    const body = map.toWireModify(req);
    const ack = await this.session.withSession(() =>
      this.rest.modifyOrder(body, { segment: req.instrument.exchange }),
    );
    return { brokerOrderId: ack.orderid, uniqueOrderId: ack.uniqueorderid ?? null };
  }

  async cancelOrder(brokerOrderId: string): Promise<OrderAck> {
    const meta = this.orderMeta.get(brokerOrderId);
    // Only the cancelOrder endpoint's own §7.1 buckets: a cancel reduces risk, so it never waits behind
    // placements for the per-segment order egress cap (ORDER_RATE_LIMIT_PER_SEC is a placement limit).
    const ack = await this.session.withSession(() =>
      this.rest.cancelOrder({ variety: meta?.variety ?? 'NORMAL', orderid: brokerOrderId }),
    );
    return { brokerOrderId: ack.orderid, uniqueOrderId: ack.uniqueorderid ?? null };
  }

  async orderBook(): Promise<BrokerOrder[]> {
    const rows = await this.session.withSession(() => this.rest.getOrderBook());
    return rows.map(map.fromWireOrder);
  }

  async findOrderByTag(tag: string): Promise<BrokerOrder | null> {
    return (await this.orderBook()).find((o) => o.tag === tag) ?? null;
  }

  async tradeBook(): Promise<BrokerTrade[]> {
    return (await this.session.withSession(() => this.rest.getTradeBook())).map(map.fromWireTrade);
  }

  async positions(): Promise<BrokerPosition[]> {
    return (await this.session.withSession(() => this.rest.getPosition())).map(map.fromWirePosition);
  }

  async holdings(): Promise<BrokerHolding[]> {
    return (await this.session.withSession(() => this.rest.getHolding())).map(map.fromWireHolding);
  }

  async funds(): Promise<Funds> {
    return map.fromWireRms(await this.session.withSession(() => this.rest.getRMS()));
  }

  historicalCandles(req: CandleRequest): Promise<Candle[]> {
    return reads.historicalCandles(this.session, this.rest, req);
  }

  quotes(
    instruments: Pick<Instrument, 'symbol' | 'exchange' | 'token'>[],
    mode: QuoteMode = 'FULL',
  ): Promise<Quote[]> {
    return reads.quotes(this.session, this.rest, instruments, mode);
  }

  instrumentMaster(): Promise<Instrument[]> {
    return reads.instrumentMaster(this.o.scripMasterUrl);
  }

  subscribeTicks(subs: TickSubscription[]): void {
    const wire = subs.map((s) => {
      const exchangeType = map.exchangeType(s.instrument.exchange);
      this.tokenMeta.set(`${exchangeType}:${s.instrument.token}`, s.instrument);
      return { exchangeType, token: s.instrument.token, mode: map.STREAM_MODE[s.mode] as 1 | 2 | 3 };
    });
    const refused = this.stream.subscribe(wire);
    for (const r of refused) this.tokenMeta.delete(`${r.exchangeType}:${r.token}`);
  }

  unsubscribeTicks(subs: TickSubscription[]): void {
    const wire = subs.map((s) => ({
      exchangeType: map.exchangeType(s.instrument.exchange),
      token: s.instrument.token,
    }));
    this.stream.unsubscribe(wire);
    for (const w of wire) this.tokenMeta.delete(`${w.exchangeType}:${w.token}`);
  }

  onTick(handler: (tick: Tick) => void): Unsubscribe {
    this.tickHandlers.add(handler);
    return () => this.tickHandlers.delete(handler);
  }

  onOrderUpdate(handler: (update: OrderUpdate) => void): Unsubscribe {
    this.updateHandlers.add(handler);
    return () => this.updateHandlers.delete(handler);
  }

  /** Last exchange timestamp per subscribed symbol (feed staleness). */
  lastExchangeTime(instrument: Pick<Instrument, 'token'>): number | undefined {
    return this.stream.lastExchangeTime.get(instrument.token);
  }

  /** A socket handshake was refused with 401: probe the session (re-logs in once if it expired). */
  private recheckSession(): void {
    this.authCheck ??= this.session
      .withSession(() => this.rest.getProfile())
      .catch((e: Error) => this.log.warn(`session check after a refused socket failed: ${e.message}`))
      .finally(() => (this.authCheck = null));
  }
}
