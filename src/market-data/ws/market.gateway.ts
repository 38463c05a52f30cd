import { Inject, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { WebSocket } from 'ws';
import { AuthTokenService } from '@/auth/auth-token.service';
import { EventBus } from '@/common/event-bus';
import type {} from '@/common/event-bus-bridge';
import { AppConfig } from '@/config/app-config';
import type { Candle, Tick } from '@/domain/market';
import { createRedis, REDIS } from '@/redis/redis.module';
import { DemandRegistry } from '@/market-data/feed/demand-registry';
import { TickCache } from '@/market-data/feed/tick-cache';
import { InstrumentDirectory } from '@/market-data/instruments/instrument-directory';
import { mdMetrics } from '@/market-data/market-data.metrics';
import { MarketDataKeys } from '@/market-data/market-data.keys';
import { FanoutHub } from './fanout-hub';
import type { PrivateMessage } from './private-events.bridge';
import { SocketSessions } from './socket-sessions';
import { encodeTextFrame } from './ws-socket';
import { streamKey, WS_CLOSE, type PrivateChannel } from './ws-protocol';

const DEMAND_TTL_MS = 30_000;

/**
 * A `bus.resynced` this soon after a resync frame was sent is taken as the same outage (the EventBus
 * bridge's subscriber and the gateway's reconnect on their own schedules) and sends nothing.
 */
export const RESYNC_DEDUP_MS = 5_000;

/** Where a client re-reads the state of a private channel after a `resync` frame (REST, same auth). */
export const PRIVATE_REFETCH: Record<PrivateChannel, string> = {
  orders: '/api/v1/orders',
  positions: '/api/v1/portfolio/positions',
  pnl: '/api/v1/portfolio/pnl',
  risk: '/api/v1/risk/status',
};

/** A tick as the `ticks` channel sends it: everything but the depth (which has its own channel). */
export function tickData(t: Tick): Omit<Tick, 'bids' | 'asks'> {
  const { bids: _b, asks: _a, ...rest } = t;
  return rest;
}

/**
 * `/ws`: the market WebSocket for `api` instances. Ticks, depth and candles arrive from the feed leader
 * over Redis pub/sub and go out through the coalescing FanoutHub; private channels arrive through the
 * private-events channel. The symbols this instance's clients need are published as demand so the
 * feed leader subscribes them. Protocol: docs/websocket.md.
 */
@WebSocketGateway({ path: '/ws' })
export class MarketGateway implements OnGatewayConnection, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MarketGateway.name);
  private readonly instanceId = randomUUID();
  private hub: FanoutHub | null = null;
  private sessions: SocketSessions | null = null;
  private sub: Redis | null = null;
  private timers: NodeJS.Timeout[] = [];
  private demandDirty = false;
  /** When the subscriber's connection closed after the first subscribe succeeded; null while it is up. */
  private subLostAt: number | null = null;
  /** When the last `resync` frames were sent. */
  private lastResyncAt: number | null = null;
  private offResynced: (() => void) | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly auth: AuthTokenService,
    private readonly instruments: InstrumentDirectory,
    private readonly keys: MarketDataKeys,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly bus: EventBus,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.hasRole('api')) return;
    const hub = new FanoutHub({
      maxBufferedBytes: 1024 * 1024,
      encode: encodeTextFrame,
      onDemandChange: () => (this.demandDirty = true),
    });
    const cache = new TickCache(this.redis, (s) => this.keys.tick(s), this.keys.ticksChannel);
    this.hub = hub;
    this.sessions = new SocketSessions({
      hub,
      authenticate: (token) => this.auth.verifyAccessTokenOrApiKey(token),
      unknownSymbols: async (symbols) => {
        const known = await this.instruments.resolve(symbols);
        return symbols.filter((s) => !known.has(s));
      },
      snapshot: async (channel, symbol) => {
        if (channel === 'candles') return null;
        const t = (await cache.get([symbol])).get(symbol);
        if (!t) return null;
        return channel === 'ticks'
          ? tickData(t)
          : { bids: t.bids ?? [], asks: t.asks ?? [], exchangeTime: t.exchangeTime };
      },
      onMetrics: {
        connected: (n) => mdMetrics.wsClients.set(n),
        dropped: (reason) => mdMetrics.wsClientsDropped.inc({ reason }),
        sent: (n) => mdMetrics.wsMessagesSent.inc({ kind: 'private' }, n),
      },
    });
    const demand = new DemandRegistry(this.redis, this.keys.demandPrefix, this.keys.demandChanged);
    const sub = createRedis(this.config.env.REDIS_URL);
    this.sub = sub;
    sub.on('message', (channel: string, msg: string) => this.onRedisMessage(channel, msg));
    await sub.subscribe(this.keys.ticksChannel, this.keys.candlesChannel, this.keys.privateChannel);
    // Pub/sub drops what is published while the connection is down. ioredis re-subscribes on its own
    // after a reconnect (autoResubscribe); once that is done, private subscribers are told to refetch.
    // Registered after the first subscribe, so starting up never sends a resync.
    sub.on('close', () => {
      if (this.subLostAt === null) this.subLostAt = Date.now();
    });
    sub.on('ready', () => void this.onSubscriberReady(sub));
    this.offResynced = this.bus.on('bus.resynced', (e) => this.onBusResynced(e));

    const flushEvery = Math.max(10, Math.floor(1000 / this.config.env.WS_CLIENT_MAX_HZ));
    const flush = setInterval(() => {
      const n = hub.flush();
      if (n) mdMetrics.wsMessagesSent.inc({ kind: 'public' }, n);
    }, flushEvery);
    let lastDemand = 0;
    const publishDemand = setInterval(() => {
      const now = Date.now();
      if (!this.demandDirty && now - lastDemand < DEMAND_TTL_MS / 3) return;
      this.demandDirty = false;
      lastDemand = now;
      const symbols = new Set(hub.keys().map((k) => k.split('|')[1]));
      void demand
        .set(`api:${this.instanceId}`, symbols, DEMAND_TTL_MS)
        .catch((e: Error) => this.logger.warn(`demand: ${e.message}`));
    }, 250);
    this.timers = [flush, publishDemand];
    for (const t of this.timers) t.unref();
  }

  handleConnection(client: WebSocket, req: IncomingMessage): void {
    if (!this.sessions) {
      client.close(WS_CLOSE.SHUTDOWN, 'not an api instance');
      return;
    }
    this.sessions.handleConnection(client, req);
  }

  onModuleDestroy(): void {
    this.offResynced?.();
    this.offResynced = null;
    this.timers.forEach((t) => clearInterval(t));
    this.sessions?.closeAll();
    this.sub?.disconnect();
  }

  /**
   * ioredis queues its re-SUBSCRIBE before it emits 'ready'; our own SUBSCRIBE answered means the
   * private channel is live again (Redis answers in order), so a refetch from here on misses nothing.
   * A failure (the connection dropped again) leaves `subLostAt` set: the next 'ready' tries again and
   * one resync covers the whole outage.
   */
  private async onSubscriberReady(sub: Redis): Promise<void> {
    const lostAt = this.subLostAt;
    if (lostAt === null) return;
    try {
      await sub.subscribe(this.keys.privateChannel);
    } catch {
      return;
    }
    if (this.subLostAt !== lostAt) return;
    this.subLostAt = null;
    this.sendResync(Date.now() - lostAt, 'subscriber');
  }

  /**
   * The EventBus bridge of this process is subscribed again after an outage. Ignored while the
   * gateway's own subscriber is still away (its return sends the resync, once the private channel is
   * live), and when a resync was sent during that outage or less than RESYNC_DEDUP_MS ago.
   */
  private onBusResynced(e: { at: number; downMs: number }): void {
    if (this.subLostAt !== null) return;
    const last = this.lastResyncAt;
    if (last !== null && (Date.now() - last < RESYNC_DEDUP_MS || e.at - e.downMs <= last)) return;
    this.sendResync(e.downMs, 'event bridge');
  }

  private sendResync(downMs: number, trigger: string): void {
    const sessions = this.sessions;
    if (!sessions) return;
    this.lastResyncAt = Date.now();
    const n = sessions.broadcastPrivate('resync', (channel) => ({
      reason: 'event stream interrupted',
      downMs,
      refetch: PRIVATE_REFETCH[channel],
    }));
    this.logger.log(
      `private events were interrupted for ${downMs} ms (${trigger}); sent ${n} resync frame(s) to refetch`,
    );
  }

  private onRedisMessage(channel: string, msg: string): void {
    const hub = this.hub;
    if (!hub || !this.sessions) return;
    try {
      if (channel === this.keys.ticksChannel) {
        for (const t of JSON.parse(msg) as Tick[]) {
          hub.publish(streamKey('ticks', t.symbol), tickData(t));
          if (t.bids || t.asks)
            hub.publish(streamKey('depth', t.symbol), {
              bids: t.bids ?? [],
              asks: t.asks ?? [],
              exchangeTime: t.exchangeTime,
            });
        }
      } else if (channel === this.keys.candlesChannel) {
        for (const c of JSON.parse(msg) as Candle[]) {
          const key = streamKey('candles', c.symbol, c.interval);
          if (c.closed) mdMetrics.wsMessagesSent.inc({ kind: 'public' }, hub.publishNow(key, c));
          else hub.publish(key, c);
        }
      } else if (channel === this.keys.privateChannel) {
        const m = JSON.parse(msg) as PrivateMessage;
        this.sessions.deliverPrivate(m.channel, m.userId, m.data, m.event);
      }
    } catch (err) {
      this.logger.warn(`dropped a malformed ${channel} message: ${(err as Error).message}`);
    }
  }
}
