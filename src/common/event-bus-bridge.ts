import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { EventBus, PlatformEvents } from './event-bus';
import type {} from '@/orders/order-view';
import type {} from '@/monitoring/alerts/risk-state.event';
import type {} from '@/risk/risk.service';

declare module './event-bus' {
  interface PlatformEvents {
    /**
     * Local only (never bridged): this process's bridge is subscribed again after its subscriber
     * connection was lost, so events other processes emitted meanwhile were not delivered here. State
     * built from bridged events should be checked against the database (the record) and rebuilt.
     */
    'bus.resynced': { at: number; downMs: number };
  }
}

/**
 * The platform events that cross processes (APP_ROLES split into api / worker / feed). Each is a fact
 * made in exactly one process that consumers in the others need:
 *
 * - `orders.updated`: made where the order changes (placement, cancel and modify in `api`; submission,
 *   broker updates, reconciliation and brackets in `worker`). Read by every process's portfolio
 *   (open-order view the risk checks use), the worker's bracket manager and the feed's strategy host.
 * - `orders.fill`: made in `worker` (broker order updates). Every process's portfolio applies it (once per
 *   order and cumulative quantity) and derives `portfolio.fill` / `portfolio.position` from it locally.
 * - `risk.state`: made where the trading state changed (an admin's kill switch in `api`, breakers in
 *   `worker`); every process's alert lifecycle follows it (raise on engage, resolve on reset).
 * - `risk.broker_error`: a broker error seen anywhere counts in the worker's broker-error breaker.
 *
 * Deliberately local:
 * - `market.tick`, `market.candle`: the hot path; the feed already publishes them on their own Redis
 *   channels (tick cache, WebSocket gateway, and the relay that feeds non-feed processes' buses).
 * - `portfolio.fill`, `portfolio.position`: derived from `orders.fill` by each process's portfolio;
 *   publishing them too would deliver them twice.
 * - `ws.private`: already travels on the WebSocket private Redis channel.
 * - `market.stale`, `strategies.signal`: made and consumed in the feed process only (metrics); add
 *   them here when a consumer elsewhere appears.
 */
export const BRIDGED_EVENTS: readonly (keyof PlatformEvents)[] = [
  'orders.updated',
  'orders.fill',
  'risk.state',
  'risk.broker_error',
];

/** Events that must never cross processes, whatever list a bridge is given. */
const NEVER_BRIDGED: ReadonlySet<keyof PlatformEvents> = new Set<keyof PlatformEvents>(['bus.resynced']);

export interface EventBusBridgeOptions {
  bus: EventBus;
  /** A dedicated connection for PUBLISH, best created with `enableOfflineQueue: false`. */
  publisher: Redis;
  /** A dedicated connection for SUBSCRIBE (ioredis puts it in subscriber mode). */
  subscriber: Redis;
  /** The pub/sub channel, under REDIS_PREFIX. */
  channel: string;
  events?: readonly (keyof PlatformEvents)[];
  /** Publishes still awaiting Redis's reply beyond which new ones are dropped (a stuck connection). */
  maxPending?: number;
  logger?: { log(m: string): void; warn(m: string): void; error(m: string): void };
}

interface Envelope {
  /** Origin: the bridge (process) that published it. */
  o: string;
  /** Event name. */
  e: string;
  /** Payload. */
  p: unknown;
}

/**
 * Payloads travel as JSON; a Date or a bigint anywhere in one is tagged so it arrives as a Date or a
 * bigint again (`{"$date": epochMs}`, `{"$bigint": "123"}`), not as a string.
 */
export function encodeEnvelope(env: Envelope): string {
  return JSON.stringify(env, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.getTime() };
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    return value;
  });
}

export function decodeEnvelope(text: string): Envelope {
  return JSON.parse(text, (_key: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1) {
        if (keys[0] === '$date') return new Date(typeof o.$date === 'number' ? o.$date : Number.NaN);
        if (keys[0] === '$bigint' && typeof o.$bigint === 'string') return BigInt(o.$bigint);
      }
    }
    return value;
  }) as Envelope;
}

/**
 * Carries the BRIDGED_EVENTS of one process's EventBus to every other process's EventBus over one Redis
 * pub/sub channel. Local handlers still run synchronously at emit, exactly as without the bridge; each
 * such emit is also published once, tagged with this bridge's origin id. Messages from other origins
 * are delivered to local handlers (`EventBus.deliverRemote`); this bridge's own echo is ignored, so an
 * all-roles process sees every event once.
 *
 * Publishing never throws into the emitter and never waits: when Redis is not connected (or too many
 * publishes are unanswered) the event is dropped for the other processes and counted; the emitting
 * process has it regardless. ioredis re-subscribes by itself after a reconnect; events published while
 * the connection was down are not replayed (the database stays the record; see docs/architecture.md).
 * Instead, when the subscriber is ready and subscribed again after a lost connection, or subscribed for
 * the first time only after Redis was away (never on a first subscribe that simply worked), the bridge
 * emits the local-only `bus.resynced` so consumers rebuild from the database.
 */
export class EventBusBridge {
  readonly origin = randomUUID();
  readonly stats = { published: 0, received: 0, dropped: 0, malformed: 0 };
  private readonly events: ReadonlySet<keyof PlatformEvents>;
  private readonly maxPending: number;
  private pending = 0;
  private detach: (() => void) | null = null;
  private subscribed = false;
  /** When the subscriber's connection closed after a subscribe succeeded; null while connected. */
  private lostAt: number | null = null;
  private lastDropWarning = 0;
  private readonly onMessage = (channel: string, message: string) => {
    if (channel === this.opts.channel) this.receive(message);
  };
  private readonly onReady = () => {
    if (!this.detach) return;
    if (!this.subscribed) void this.subscribe();
    else if (this.lostAt !== null) void this.resubscribed(this.lostAt);
  };
  private readonly onClose = () => {
    // After a subscribe succeeded, or before the first one did (Redis down when this process started:
    // other processes may have made fills meanwhile, after this process read the journal).
    if (this.detach && this.lostAt === null) this.lostAt = Date.now();
  };

  constructor(private readonly opts: EventBusBridgeOptions) {
    this.events = new Set((opts.events ?? BRIDGED_EVENTS).filter((e) => !NEVER_BRIDGED.has(e)));
    this.maxPending = opts.maxPending ?? 10_000;
  }

  /** Starts publishing this bus's events and subscribes; resolves once subscribed (or on failure, logged). */
  async start(): Promise<void> {
    if (this.detach) return;
    this.detach = this.opts.bus.attachOutlet({
      events: this.events,
      publish: (event, payload) => this.publish(event, payload),
    });
    this.opts.subscriber.on('message', this.onMessage);
    // A subscribe that failed (Redis down at start) is retried when the connection is ready; once it
    // succeeded, ioredis restores it after every reconnect (autoResubscribe).
    this.opts.subscriber.on('ready', this.onReady);
    this.opts.subscriber.on('close', this.onClose);
    const status = this.opts.subscriber.status;
    if (status === 'reconnecting' || status === 'close') this.lostAt = Date.now();
    await this.subscribe();
  }

  async stop(): Promise<void> {
    this.detach?.();
    this.detach = null;
    this.opts.subscriber.off('message', this.onMessage);
    this.opts.subscriber.off('ready', this.onReady);
    this.opts.subscriber.off('close', this.onClose);
    this.lostAt = null;
    if (this.subscribed && this.opts.subscriber.status === 'ready')
      await this.opts.subscriber.unsubscribe(this.opts.channel).catch(() => undefined);
    this.subscribed = false;
  }

  get isSubscribed(): boolean {
    return this.subscribed;
  }

  private async subscribe(): Promise<void> {
    try {
      await this.opts.subscriber.subscribe(this.opts.channel);
      this.subscribed = true;
      // The first subscribe came only after Redis was away: resync like after any other outage.
      if (this.lostAt !== null) await this.resubscribed(this.lostAt);
    } catch (err) {
      this.opts.logger?.warn(
        `event bridge: cannot subscribe to ${this.opts.channel} yet (${(err as Error).message}); retrying when Redis is back`,
      );
    }
  }

  /**
   * ioredis re-subscribes by itself on reconnect; our own SUBSCRIBE answered means the channel is live
   * again (Redis answers in order), so whatever is published from here on arrives and consumers can
   * safely read the database for what they missed. A failure (the connection dropped again) leaves
   * `lostAt` set: the next ready tries again, and one resync covers the whole outage.
   */
  private async resubscribed(lostAt: number): Promise<void> {
    try {
      await this.opts.subscriber.subscribe(this.opts.channel);
    } catch {
      return;
    }
    if (this.lostAt !== lostAt || !this.detach) return;
    this.lostAt = null;
    const at = Date.now();
    this.opts.logger?.log(
      `event bridge: subscribed again after ${at - lostAt} ms without Redis; resyncing state from the database`,
    );
    this.opts.bus.emit('bus.resynced', { at, downMs: at - lostAt });
  }

  private publish(event: keyof PlatformEvents, payload: unknown): void {
    const pub = this.opts.publisher;
    if (pub.status !== 'ready') return this.drop(event, `Redis is ${pub.status}`);
    if (this.pending >= this.maxPending) return this.drop(event, `${this.pending} publishes unanswered`);
    let message: string;
    try {
      message = encodeEnvelope({ o: this.origin, e: event, p: payload });
    } catch (err) {
      this.stats.dropped++;
      this.opts.logger?.error(
        `event bridge: ${String(event)} is not serialisable: ${(err as Error).message}`,
      );
      return;
    }
    this.pending++;
    this.stats.published++;
    pub.publish(this.opts.channel, message).then(
      () => void this.pending--,
      (err: Error) => {
        this.pending--;
        this.drop(event, err.message);
      },
    );
  }

  private drop(event: keyof PlatformEvents, why: string): void {
    this.stats.dropped++;
    const now = Date.now();
    if (now - this.lastDropWarning < 10_000) return;
    this.lastDropWarning = now;
    this.opts.logger?.warn(
      `event bridge: ${String(event)} not sent to other processes (${why}); ${this.stats.dropped} dropped so far`,
    );
  }

  private receive(message: string): void {
    let env: Envelope;
    try {
      env = decodeEnvelope(message);
    } catch {
      this.stats.malformed++;
      return;
    }
    if (env.o === this.origin) return;
    // An event this version does not bridge (another version mid-rollout) stays out.
    if (!this.events.has(env.e as keyof PlatformEvents)) return;
    this.stats.received++;
    this.opts.bus.deliverRemote(env.e as keyof PlatformEvents, env.p as never);
  }
}
