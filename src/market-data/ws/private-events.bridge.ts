import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { EventBus } from '@/common/event-bus';
import { REDIS } from '@/redis/redis.module';
import { MarketDataKeys } from '@/market-data/market-data.keys';
import type { PrivateChannel } from './ws-protocol';

/** A message for a private WebSocket channel; `userId` null goes to admins only (platform-wide state). */
export interface PrivateMessage {
  channel: PrivateChannel;
  userId: string | null;
  event: string;
  data: unknown;
}

declare module '@/common/event-bus' {
  interface PlatformEvents {
    /** Anything a module wants on a private WebSocket channel (e.g. the portfolio's `pnl`). */
    'ws.private': PrivateMessage;
  }
}

/**
 * Carries owner-scoped events from whichever process emits them (orders in the worker, portfolio,
 * risk) to every `api` instance through one Redis channel. Gateways only read that channel, so an event
 * is delivered once whether or not the emitter shares the gateway's process. Since the EventBus bridge
 * also hands every process the other processes' events (and each portfolio derives positions from
 * them), only events this process originated are forwarded: a remote event, and whatever is emitted
 * while handling it, was forwarded by the process it came from.
 */
@Injectable()
export class PrivateEventsBridge implements OnModuleInit, OnModuleDestroy {
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly bus: EventBus,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: MarketDataKeys,
  ) {}

  onModuleInit(): void {
    const send = (m: PrivateMessage) => {
      if (this.bus.inRemoteDelivery) return;
      void this.redis.publish(this.keys.privateChannel, JSON.stringify(m)).catch(() => undefined);
    };
    this.offs.push(
      this.bus.on('orders.updated', (o) =>
        send({ channel: 'orders', userId: o.userId, event: 'orders.updated', data: o }),
      ),
      this.bus.on('orders.fill', (f) =>
        send({ channel: 'orders', userId: f.userId, event: 'orders.fill', data: f }),
      ),
      this.bus.on('portfolio.position', (p) =>
        send({ channel: 'positions', userId: p.userId, event: 'portfolio.position', data: p }),
      ),
      this.bus.on('risk.state', (r) => send({ channel: 'risk', userId: null, event: 'risk.state', data: r })),
      this.bus.on('ws.private', send),
    );
  }

  onModuleDestroy(): void {
    this.offs.forEach((off) => off());
  }
}
