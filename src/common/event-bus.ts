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

/** The handlers of one event, and whether it leaves the process (cached from the outlet). */
interface Slot {
  handlers: Handler<never>[];
  bridged: boolean;
}

@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly slots = new Map<keyof PlatformEvents, Slot>();
  private outlet: BusOutlet | null = null;
  /** > 0 while handlers run for an event another process emitted (and for whatever they emit in turn). */
  private remoteDepth = 0;

  on<K extends keyof PlatformEvents>(event: K, handler: Handler<K>): () => void {
    const list = this.slot(event).handlers as Handler<K>[];
    list.push(handler);
    return () => {
      const i = list.indexOf(handler);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /**
   * Delivers to this process's handlers, and, for an event in the outlet's list, publishes it once to
   * the other processes. Published first, so a handler's own (nested) events never overtake it there.
   * An event emitted while handling a remote one is a local consequence every process derives for
   * itself, so it is not published again. An event that stays local costs one flag read more than
   * before the bridge (the tick path).
   */
  emit<K extends keyof PlatformEvents>(event: K, payload: PlatformEvents[K]): void {
    const slot = this.slots.get(event);
    if (slot === undefined) return;
    if (slot.bridged && this.remoteDepth === 0) {
      try {
        this.outlet?.publish(event, payload);
      } catch (err) {
        this.logger.error(`publishing ${String(event)} failed: ${(err as Error).message}`);
      }
    }
    this.dispatch(slot.handlers as Handler<K>[], event, payload);
  }

  /** Delivers an event another process emitted to this process's handlers (never published back). */
  deliverRemote<K extends keyof PlatformEvents>(event: K, payload: PlatformEvents[K]): void {
    const slot = this.slots.get(event);
    if (slot === undefined) return;
    this.remoteDepth++;
    try {
      this.dispatch(slot.handlers as Handler<K>[], event, payload);
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

  /** Attaches the outlet (one at a time, replacing any other); returns the detach function. */
  attachOutlet(outlet: BusOutlet): () => void {
    this.outlet = outlet;
    for (const [event, slot] of this.slots) slot.bridged = outlet.events.has(event);
    for (const event of outlet.events) this.slot(event);
    return () => {
      if (this.outlet !== outlet) return;
      this.outlet = null;
      for (const slot of this.slots.values()) slot.bridged = false;
    };
  }

  listenerCount(event: keyof PlatformEvents): number {
    return this.slots.get(event)?.handlers.length ?? 0;
  }

  private slot(event: keyof PlatformEvents): Slot {
    let slot = this.slots.get(event);
    if (slot === undefined) {
      slot = { handlers: [], bridged: this.outlet?.events.has(event) ?? false };
      this.slots.set(event, slot);
    }
    return slot;
  }

  private dispatch<K extends keyof PlatformEvents>(
    list: Handler<K>[],
    event: K,
    payload: PlatformEvents[K],
  ): void {
    for (let i = 0; i < list.length; i++) {
      try {
        list[i](payload);
      } catch (err) {
        this.logger.error(`handler for ${String(event)} threw: ${(err as Error).message}`);
      }
    }
  }
}
