import { Injectable, Logger } from '@nestjs/common';
import type { Candle, Tick } from '@/domain/market';

/**
 * The in-process typed event map. Modules add their events by declaration merging:
 *   declare module '@/common/event-bus' { interface PlatformEvents { 'orders.updated': OrderView } }
 * Handlers run synchronously in emit order (ticks stay on the hot path without a Redis hop); a throwing
 * handler is logged and never stops the others.
 */
export interface PlatformEvents {
  'market.tick': Tick;
  'market.candle': Candle;
}

type Handler<K extends keyof PlatformEvents> = (payload: PlatformEvents[K]) => void;

/** Where events emitted in this process go besides its own handlers (the Redis bridge). */
export interface BusOutlet {
  /** The events that leave the process; every other event stays local. */
  readonly events: ReadonlySet<keyof PlatformEvents>;
  /** Called once per local emit of one of `events`, before local delivery; must not throw or block. */
  publish(event: keyof PlatformEvents, payload: unknown): void;
}

@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly handlers = new Map<keyof PlatformEvents, Handler<never>[]>();
  private outlet: BusOutlet | null = null;
  /** > 0 while handlers run for an event another process emitted (and for whatever they emit in turn). */
  private remoteDepth = 0;

  on<K extends keyof PlatformEvents>(event: K, handler: Handler<K>): () => void {
    const list = (this.handlers.get(event) ?? []) as Handler<K>[];
    list.push(handler);
    this.handlers.set(event, list);
    return () => {
      const i = list.indexOf(handler);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /**
   * Delivers to this process's handlers, and, for an event in the outlet's list, publishes it once to
   * the other processes. Published first, so a handler's own (nested) events never overtake it there.
   * An event emitted while handling a remote one is a local consequence every process derives for
   * itself, so it is not published again.
   */
  emit<K extends keyof PlatformEvents>(event: K, payload: PlatformEvents[K]): void {
    const outlet = this.outlet;
    if (outlet !== null && this.remoteDepth === 0 && outlet.events.has(event)) {
      try {
        outlet.publish(event, payload);
      } catch (err) {
        this.logger.error(`publishing ${String(event)} failed: ${(err as Error).message}`);
      }
    }
    this.dispatch(event, payload);
  }

  /** Delivers an event another process emitted to this process's handlers (never published back). */
  deliverRemote<K extends keyof PlatformEvents>(event: K, payload: PlatformEvents[K]): void {
    this.remoteDepth++;
    try {
      this.dispatch(event, payload);
    } finally {
      this.remoteDepth--;
    }
  }

  /**
   * True while handlers run for an event from another process, including events they emit in turn:
   * a consumer that forwards events somewhere shared (the WebSocket private channel) skips these, as
   * the emitting process forwards its own.
   */
  get inRemoteDelivery(): boolean {
    return this.remoteDepth > 0;
  }

  /** Attaches the outlet (one at a time); returns the detach function. */
  attachOutlet(outlet: BusOutlet): () => void {
    this.outlet = outlet;
    return () => {
      if (this.outlet === outlet) this.outlet = null;
    };
  }

  listenerCount(event: keyof PlatformEvents): number {
    return this.handlers.get(event)?.length ?? 0;
  }

  private dispatch<K extends keyof PlatformEvents>(event: K, payload: PlatformEvents[K]): void {
    const list = this.handlers.get(event) as Handler<K>[] | undefined;
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i](payload);
      } catch (err) {
        this.logger.error(`handler for ${String(event)} threw: ${(err as Error).message}`);
      }
    }
  }
}
