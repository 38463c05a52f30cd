/**
 * Runs many strategy instances at once. Each instance has its own strategy object, context, positions
 * and metrics; candles and ticks are routed by symbol and timeframe; signals go to the one injected
 * executor, alone or combined across the members of an aggregation group. A hook that throws marks its
 * instance ERRORED and stops it, and the others go on. Plain TypeScript: the Nest service and the
 * backtester both drive it.
 */
import type { Clock } from '@/common/clock';
import type { Signal } from '@/domain/execution';
import type { Candle, Interval, Tick } from '@/domain/market';
import * as indicators from '@/strategies/indicators';
import type {
  PortfolioView,
  SignalExecutor,
  SignalInput,
  StrategyOrderUpdate,
  StrategyPosition,
} from '@/strategies/strategy.contract';
import { decideGroup, dispatchSignal, loadWarmup } from './dispatch';
import type {
  EngineLogger,
  GroupConfig,
  HistoryProvider,
  InstanceConfig,
  InstanceStatus,
  InstanceView,
} from './engine.types';
import { GroupOwner, Owner, Runtime } from './runtime';
import type { ClosedTrade } from './position-book';
import { CandleResampler } from './resampler';

export interface StrategyEngineOptions {
  executor: SignalExecutor;
  clock: Clock;
  portfolio: PortfolioView;
  history?: HistoryProvider;
  /** Build higher-timeframe candles from the lowest one received (for single-interval feeds). */
  resample?: boolean;
  logger?: EngineLogger;
  /** Called on every status change (persistence, audit, metrics). */
  onStatusChange?: (id: string, status: InstanceStatus, error: string | null) => void;
  /** Called with every signal handed to the executor (metrics, the event bus). */
  onSignal?: (signal: Signal) => void;
  /** Called with every round trip closed by fills (owner = instance or group id). */
  onTrade?: (ownerId: string, trade: ClosedTrade) => void;
}

const SILENT: EngineLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export class StrategyEngine {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly groups = new Map<string, GroupOwner>();
  private readonly bySymbol = new Map<string, Runtime[]>();
  private readonly lastPrice = new Map<string, number>();
  private readonly dirtyGroups = new Set<string>();
  private resampler: CandleResampler | null = null;
  private readonly log: EngineLogger;

  constructor(private readonly opts: StrategyEngineOptions) {
    this.log = opts.logger ?? SILENT;
  }

  defineGroup(config: GroupConfig): void {
    if (this.groups.has(config.id) || this.runtimes.has(config.id))
      throw new Error(`id '${config.id}' is already in use`);
    this.groups.set(config.id, new GroupOwner(config));
  }

  addInstance(config: InstanceConfig): void {
    if (this.runtimes.has(config.id) || this.groups.has(config.id))
      throw new Error(`id '${config.id}' is already in use`);
    if (config.group && !this.groups.has(config.group))
      throw new Error(`unknown aggregation group '${config.group}'`);
    const group = config.group ? this.groups.get(config.group)! : null;
    const rt = new Runtime(config, group, {
      clock: this.opts.clock,
      portfolio: this.opts.portfolio,
      indicators,
      emit: (r, s) => this.onEmit(r, s),
      log: (r, m) => this.log.log(`[${r.id}] ${m}`),
    });
    this.runtimes.set(config.id, rt);
    for (const s of config.symbols) {
      const list = this.bySymbol.get(s) ?? [];
      list.push(rt);
      this.bySymbol.set(s, list);
    }
    this.resampler = null;
  }

  /** Run onStart, replay warm-up history (signals dropped), then go live. */
  async start(id: string): Promise<void> {
    const rt = this.require(id);
    if (rt.status === 'RUNNING' || rt.status === 'STARTING') return;
    rt.reset();
    this.setStatus(rt, 'STARTING', null);
    if (!this.guard(rt, () => rt.strategy.onStart?.(rt.ctx))) return;
    try {
      const history = this.opts.history ? await loadWarmup(rt, this.opts.history, this.opts.clock.now()) : [];
      rt.warmingUp = true;
      for (const c of history) if (!this.guard(rt, () => rt.strategy.onCandle?.(c, rt.ctx))) return;
      rt.warmingUp = false;
    } catch (err) {
      this.fail(rt, new Error(`warm-up failed: ${(err as Error).message}`));
      return;
    }
    if ((rt.status as InstanceStatus) !== 'STARTING') return; // stopped while warming up
    this.setStatus(rt, 'RUNNING', null);
    // Candles that arrived while history loaded, newer than the history, in arrival order.
    const queued = rt.queued.splice(0);
    for (const c of queued)
      if (c.start > (rt.lastHistoryStart.get(`${c.symbol}|${c.interval}`) ?? -Infinity))
        this.deliverCandle(rt, c);
    this.flushGroups();
  }

  stop(id: string): void {
    const rt = this.require(id);
    if (rt.status === 'STOPPED' || rt.status === 'ERRORED') return;
    this.setStatus(rt, 'STOPPED', null);
    try {
      rt.strategy.onStop?.(rt.ctx);
    } catch (err) {
      this.log.warn(`[${rt.id}] onStop threw: ${(err as Error).message}`);
    }
  }

  remove(id: string): void {
    const rt = this.runtimes.get(id);
    if (!rt) return;
    this.stop(id);
    this.runtimes.delete(id);
    for (const s of rt.config.symbols) {
      const list = (this.bySymbol.get(s) ?? []).filter((r) => r !== rt);
      if (list.length) this.bySymbol.set(s, list);
      else this.bySymbol.delete(s);
    }
    this.resampler = null;
  }

  has(id: string): boolean {
    return this.runtimes.has(id);
  }

  onCandle(candle: Candle): void {
    if (!candle.closed) return;
    this.lastPrice.set(candle.symbol, candle.closePaise);
    const list = this.bySymbol.get(candle.symbol);
    if (!list) return;
    for (let i = 0; i < list.length; i++) this.deliverCandle(list[i], candle);
    if (this.opts.resample)
      for (const c of this.resamplerFor().push(candle))
        for (let i = 0; i < list.length; i++) this.deliverCandle(list[i], c);
    this.flushGroups();
  }

  onTick(tick: Tick): void {
    this.lastPrice.set(tick.symbol, tick.ltpPaise);
    const list = this.bySymbol.get(tick.symbol);
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      const rt = list[i];
      if (rt.status !== 'RUNNING' || !rt.strategy.onTick) continue;
      rt.metrics.touchDay(tick.exchangeTime);
      this.guard(rt, () => rt.strategy.onTick!(tick, rt.ctx));
    }
    this.flushGroups();
  }

  /** Fills and status changes for orders carrying `strategyId` (an instance or a group id). */
  onOrderUpdate(update: StrategyOrderUpdate): void {
    const rt = this.runtimes.get(update.strategyId);
    const group = rt?.group ?? this.groups.get(update.strategyId);
    const owner: Owner | undefined = rt && !rt.group ? rt : (group ?? undefined);
    if (!owner) return;
    if (update.fillQuantity > 0) {
      for (const t of owner.book.applyFill(
        update.symbol,
        update.side,
        update.fillQuantity,
        update.fillPricePaise,
        update.chargesPaise ?? 0,
        update.time,
      )) {
        owner.metrics.recordTrade(t);
        this.opts.onTrade?.(owner.id, t);
      }
    }
    const recipients = rt && !rt.group ? [rt] : [...this.runtimes.values()].filter((r) => r.group === owner);
    for (const r of recipients)
      if (r.status === 'RUNNING' && r.strategy.onOrderUpdate)
        this.guard(r, () => r.strategy.onOrderUpdate!(update, r.ctx));
    this.flushGroups();
  }

  status(id: string): InstanceStatus | undefined {
    return this.runtimes.get(id)?.status;
  }

  view(id: string): InstanceView | undefined {
    const rt = this.runtimes.get(id);
    return rt && rt.view((s) => this.lastPrice.get(s));
  }

  views(): InstanceView[] {
    return [...this.runtimes.values()].map((r) => r.view((s) => this.lastPrice.get(s)));
  }

  /** The position attributed to an instance (or a group), as its strategy sees it; the executor uses this for exits. */
  position(ownerId: string, symbol: string): StrategyPosition | undefined {
    const rt = this.runtimes.get(ownerId);
    const owner = rt ? (rt.group ?? rt) : this.groups.get(ownerId);
    return owner?.book.position(symbol);
  }

  /**
   * After a restart: put back an instance's attributed position (from the portfolio's per-strategy
   * ledger) and its stored metrics, so it does not mistake itself for flat or start its counts at zero.
   */
  restore(
    id: string,
    state: {
      positions?: readonly { symbol: string; quantity: number; avgPricePaise: number; openedAt?: number }[];
      metrics?: Partial<InstanceView['metrics']> | null;
    },
  ): void {
    const rt = this.require(id);
    const owner = rt.group ?? rt;
    for (const p of state.positions ?? [])
      owner.book.restore(p.symbol, p.quantity, p.avgPricePaise, p.openedAt ?? this.opts.clock.now());
    const m = state.metrics;
    if (m) {
      rt.metrics.restore(m);
      const charges = m.chargesPaise ?? 0;
      rt.book.chargesPaise = charges;
      rt.book.realisedPnlPaise = (m.realisedPnlPaise ?? 0) + charges;
    }
  }

  /** Open positions of an instance or group. */
  positions(ownerId: string): StrategyPosition[] {
    const rt = this.runtimes.get(ownerId);
    const owner = rt ? (rt.group ?? rt) : this.groups.get(ownerId);
    return owner ? owner.book.all() : [];
  }

  /** Metrics of an aggregation group (its positions and trades are the group's, not its members'). */
  groupMetrics(id: string): InstanceView['metrics'] | undefined {
    const g = this.groups.get(id);
    return g && g.snapshot((s) => this.lastPrice.get(s));
  }

  private deliverCandle(rt: Runtime, c: Candle): void {
    if (!rt.timeframes.includes(c.interval)) return;
    if (rt.status === 'STARTING') {
      rt.queued.push(c);
      return;
    }
    if (rt.status !== 'RUNNING' || !rt.strategy.onCandle) return;
    rt.metrics.touchDay(c.start);
    this.guard(rt, () => rt.strategy.onCandle!(c, rt.ctx));
  }

  private onEmit(rt: Runtime, input: SignalInput): void {
    if (rt.warmingUp || rt.status !== 'RUNNING') return;
    rt.metrics.signals++;
    rt.metrics.lastSignalAt = input.time ?? this.opts.clock.now();
    const group = rt.group;
    if (!group) {
      this.send(rt, input);
      return;
    }
    const list = group.votes.get(input.symbol) ?? [];
    list.push({ memberId: rt.id, weight: rt.config.weight ?? 1, signal: input });
    group.votes.set(input.symbol, list);
    this.dirtyGroups.add(group.id);
  }

  private flushGroups(): void {
    if (this.dirtyGroups.size === 0) return;
    for (const id of this.dirtyGroups) {
      const g = this.groups.get(id)!;
      const members = [...this.runtimes.values()].filter((r) => r.group === g && r.status === 'RUNNING');
      for (const signal of decideGroup(g, members)) this.send(g, signal);
    }
    this.dirtyGroups.clear();
  }

  private send(owner: Owner, input: SignalInput): void {
    const signal: Signal = { ...input, strategyId: owner.id, time: input.time ?? this.opts.clock.now() };
    owner.metrics.signalsSent++;
    this.opts.onSignal?.(signal);
    dispatchSignal(owner, signal, this.opts.executor, this.log);
  }

  private guard(rt: Runtime, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (err) {
      this.fail(rt, err);
      return false;
    }
  }

  private fail(rt: Runtime, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.log.error(`[${rt.id}] strategy ${rt.strategy.id} errored and was stopped: ${message}`);
    rt.warmingUp = false;
    this.setStatus(rt, 'ERRORED', message);
    try {
      rt.strategy.onStop?.(rt.ctx);
    } catch {
      // Already errored; a failing onStop adds nothing.
    }
  }

  private setStatus(rt: Runtime, status: InstanceStatus, error: string | null): void {
    rt.status = status;
    rt.error = error;
    this.opts.onStatusChange?.(rt.id, status, error);
  }

  private resamplerFor(): CandleResampler {
    if (!this.resampler) {
      const tfs = new Set<Interval>();
      for (const rt of this.runtimes.values()) for (const tf of rt.timeframes) tfs.add(tf);
      this.resampler = new CandleResampler([...tfs]);
    }
    return this.resampler;
  }

  private require(id: string): Runtime {
    const rt = this.runtimes.get(id);
    if (!rt) throw new Error(`no strategy instance '${id}'`);
    return rt;
  }
}
