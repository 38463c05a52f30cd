import type { BrokerGateway, Unsubscribe } from '@/broker/broker-gateway';
import type { TickSubscription } from '@/broker/broker.types';
import type { EventBus } from '@/common/event-bus';
import type { Candle, Instrument, Tick, TickMode } from '@/domain/market';
import { segmentOf, type MarketCalendar } from '@/market-data/calendar/market-calendar';
import { CandleAggregator } from '@/market-data/candles/candle-aggregator';
import { TickNormaliser } from '@/market-data/candles/tick-normaliser';
import type { InstrumentDirectory } from '@/market-data/instruments/instrument-directory';
import { mdMetrics } from '@/market-data/market-data.metrics';
import { clearFeedHealth, publishFeedHealth } from './feed.metrics';
import type { DemandRegistry } from './demand-registry';
import { StaleMonitor } from './stale-monitor';
import type { TickCache } from './tick-cache';

export interface StaleEvent {
  symbol: string;
  stale: boolean;
  at: number;
}

declare module '@/common/event-bus' {
  interface PlatformEvents {
    /** An instrument went stale (no tick for STALE_TICK_SECONDS in market hours) or fresh again; in the feed process. */
    'market.stale': StaleEvent;
  }
}

export interface FeedStatus {
  leader: string;
  subscribed: number;
  stale: string[];
  at: number;
  /** Instruments the watchlist and the demand sources ask for (the subscription target). */
  wanted?: number;
  /**
   * Since when (epoch ms) the leader has been connected to the broker with a non-empty target but no
   * instrument subscribed (e.g. the watchlist could not be resolved); null while that is not the case.
   * Absent from statuses written by older versions.
   */
  emptySince?: number | null;
}

export interface FeedServiceDeps {
  gateway: Pick<BrokerGateway, 'connect' | 'subscribeTicks' | 'unsubscribeTicks' | 'onTick'>;
  instruments: Pick<InstrumentDirectory, 'resolve'>;
  bus: EventBus;
  calendar: MarketCalendar;
  cache: TickCache;
  demand: Pick<DemandRegistry, 'union'>;
  /** Persists closed candles (batched, about once a second). */
  storeCandles: (candles: Candle[]) => Promise<void>;
  /** Publishes candle updates (forming and closed) for WebSocket `candles` subscribers on every instance. */
  publishCandles: (candles: Candle[]) => Promise<void>;
  /** Writes the feed status (for /health/ready on every instance). */
  publishStatus: (status: FeedStatus) => Promise<void>;
  now: () => number;
  watchlist: readonly string[];
  staleMs: number;
  id: string;
  /** SnapQuote carries depth and OHLC; the default. */
  mode?: TickMode;
  log?: (level: 'log' | 'warn' | 'error', msg: string) => void;
}

/**
 * The broker feed, run only by the elected leader (see FeedLock): subscribes the union of what the
 * watchlist and every demand source need, unsubscribes what nobody needs, and turns broker ticks into
 * normalised ticks (EventBus `market.tick` in process, Redis cache and pub/sub for other instances),
 * candles (EventBus `market.candle`, storage, pub/sub) and stale flags.
 */
export class FeedService {
  readonly aggregator: CandleAggregator;
  readonly stale: StaleMonitor;
  private readonly normaliser = new TickNormaliser();
  private readonly subscribed = new Map<string, Instrument>();
  private readonly closedBuffer: Candle[] = [];
  private readonly dirty = new Set<string>();
  private detach: Unsubscribe | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reconciling: Promise<void> | null = null;
  private again = false;
  private active = false;
  private lastTickAt = 0;
  /** When `gateway.connect()` last resolved while leading (0: not connected). */
  private connectedAt = 0;
  /** Size of the last computed subscription target (watchlist plus demand). */
  private target = 0;
  /** See FeedStatus.emptySince (0: not in that state). */
  private emptySince = 0;

  constructor(private readonly deps: FeedServiceDeps) {
    this.aggregator = new CandleAggregator({
      sessionOf: (ex, t) => deps.calendar.sessionAt(segmentOf(ex), t),
      onClose: (c) => {
        mdMetrics.candlesClosed.inc({ interval: c.interval });
        this.closedBuffer.push(c);
        deps.bus.emit('market.candle', c);
      },
    });
    this.stale = new StaleMonitor(deps.calendar, deps.staleMs);
  }

  get isActive(): boolean {
    return this.active;
  }

  subscribedSymbols(): string[] {
    return [...this.subscribed.keys()];
  }

  /** Became leader: connect, subscribe, start the housekeeping timer. */
  async activate(): Promise<void> {
    if (this.active) return;
    this.active = true;
    mdMetrics.feedLeader.set(1);
    this.detach = this.deps.gateway.onTick((t) => this.handleTick(t));
    await this.deps.gateway.connect();
    if (this.active) this.connectedAt = this.deps.now();
    this.target = new Set(this.deps.watchlist).size;
    this.trackEmpty(this.connectedAt);
    await this.reconcile();
    this.timer = setInterval(
      () =>
        void this.housekeeping().catch((e: Error) =>
          this.deps.log?.('warn', `feed housekeeping: ${e.message}`),
        ),
      1000,
    );
    this.timer.unref();
  }

  /** Lost the lock (or shutting down): stop feeding at once so two leaders never overlap. */
  async deactivate(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    mdMetrics.feedLeader.set(0);
    clearFeedHealth();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.detach?.();
    this.detach = null;
    if (this.subscribed.size) this.deps.gateway.unsubscribeTicks(this.subs([...this.subscribed.values()]));
    for (const s of this.subscribed.keys()) this.stale.unwatch(s);
    this.subscribed.clear();
    this.connectedAt = 0;
    this.emptySince = 0;
    mdMetrics.subscribedInstruments.set(0);
    this.aggregator.flushAll();
    await this.persist();
  }

  /** Brings broker subscriptions in line with the demand union; concurrent calls coalesce into one rerun. */
  reconcile(): Promise<void> {
    if (this.reconciling) {
      this.again = true;
      return this.reconciling;
    }
    this.reconciling = (async () => {
      do {
        this.again = false;
        await this.reconcileOnce();
      } while (this.again && this.active);
    })().finally(() => (this.reconciling = null));
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    if (!this.active) return;
    const wanted = new Set<string>(this.deps.watchlist);
    for (const s of await this.deps.demand.union()) wanted.add(s);
    this.target = wanted.size;
    const resolved = await this.deps.instruments.resolve([...wanted].filter((s) => !this.subscribed.has(s)));
    const missing = [...wanted].filter((s) => !this.subscribed.has(s) && !resolved.has(s));
    if (missing.length)
      this.deps.log?.('warn', `feed: unknown instruments not subscribed: ${missing.slice(0, 10).join(', ')}`);
    const removed = [...this.subscribed.values()].filter((i) => !wanted.has(i.symbol));
    if (!this.active) return;
    const now = this.deps.now();
    if (resolved.size) {
      this.deps.gateway.subscribeTicks(this.subs([...resolved.values()]));
      for (const i of resolved.values()) {
        this.subscribed.set(i.symbol, i);
        this.stale.watch(i.symbol, i.exchange, now);
      }
    }
    if (removed.length) {
      this.deps.gateway.unsubscribeTicks(this.subs(removed));
      for (const i of removed) {
        this.subscribed.delete(i.symbol);
        this.stale.unwatch(i.symbol);
        this.aggregator.drop(i.symbol);
        this.normaliser.forget(i.symbol);
      }
    }
    mdMetrics.subscribedInstruments.set(this.subscribed.size);
    this.trackEmpty(now);
  }

  /** Starts (or ends) the "connected leader with a non-empty target but nothing subscribed" period. */
  private trackEmpty(now: number): void {
    const empty = this.active && this.connectedAt > 0 && this.target > 0 && this.subscribed.size === 0;
    if (!empty) this.emptySince = 0;
    else if (this.emptySince === 0) this.emptySince = now;
  }

  /** The hot path: one broker tick in. */
  handleTick(raw: Tick): void {
    const now = this.deps.now();
    const r = this.normaliser.normalise(raw, now);
    if (!r.ok) {
      mdMetrics.ticksRejected.inc({ reason: r.reason });
      return;
    }
    const tick = r.tick;
    mdMetrics.ticksReceived.inc({ exchange: tick.exchange });
    this.lastTickAt = now;
    mdMetrics.tickLag.observe(Math.max(0, now - tick.exchangeTime) / 1000);
    this.stale.seen(tick.symbol, now);
    this.deps.bus.emit('market.tick', tick);
    this.aggregator.onTick(tick);
    this.dirty.add(tick.symbol);
    this.deps.cache.put(tick);
  }

  private async housekeeping(): Promise<void> {
    const now = this.deps.now();
    this.aggregator.flush(now);
    const changed = this.stale.check(now);
    for (const symbol of changed.stale) this.deps.bus.emit('market.stale', { symbol, stale: true, at: now });
    for (const symbol of changed.fresh) this.deps.bus.emit('market.stale', { symbol, stale: false, at: now });
    if (changed.stale.length)
      this.deps.log?.(
        'warn',
        `feed: stale instruments (no tick for ${this.deps.staleMs / 1000}s): ${changed.stale.slice(0, 10).join(', ')}`,
      );
    mdMetrics.staleInstruments.set(this.stale.staleCount);
    publishFeedHealth(this.deps.calendar, this.subscribed.values(), now, this.lastTickAt);
    await this.persist();
    this.trackEmpty(now);
    await this.deps.publishStatus({
      leader: this.deps.id,
      subscribed: this.subscribed.size,
      stale: this.stale.staleSymbols(),
      at: now,
      wanted: this.target,
      emptySince: this.emptySince || null,
    });
  }

  private async persist(): Promise<void> {
    const updates: Candle[] = this.closedBuffer.splice(0);
    const closed = updates.slice();
    for (const s of this.dirty) {
      for (const iv of this.aggregator.intervals) {
        const f = this.aggregator.forming(s, iv);
        if (f) updates.push(f);
      }
    }
    this.dirty.clear();
    if (updates.length) await this.deps.publishCandles(updates);
    if (closed.length) {
      try {
        await this.deps.storeCandles(closed);
      } catch (err) {
        // Keep them for the next attempt rather than lose a closed candle to a database blip.
        this.closedBuffer.unshift(...closed);
        throw err;
      }
    }
  }

  private subs(instruments: Instrument[]): TickSubscription[] {
    const mode = this.deps.mode ?? 'SNAP';
    return instruments.map((i) => ({
      instrument: { symbol: i.symbol, exchange: i.exchange, token: i.token },
      mode,
    }));
  }
}
