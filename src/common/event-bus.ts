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

@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly handlers = new Map<keyof PlatformEvents, Handler<never>[]>();

  on<K extends keyof PlatformEvents>(event: K, handler: Handler<K>): () => void {
    const list = (this.handlers.get(event) ?? []) as Handler<K>[];
    list.push(handler);
    this.handlers.set(event, list);
    return () => {
      const i = list.indexOf(handler);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<K extends keyof PlatformEvents>(event: K, payload: PlatformEvents[K]): void {
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

  listenerCount(event: keyof PlatformEvents): number {
    return this.handlers.get(event)?.length ?? 0;
  }
}
