/**
 * The event-driven backtester. For each closed bar, in order:
 *   1. pending market orders fill at the bar's open (fill model: slippage, volume cap, buying power);
 *   2. stop-loss / take-profit / trailing levels are tested inside the bar (pessimistic rule);
 *   3. the simulated clock moves to the bar's close and the strategy sees the candle (`onCandle`);
 *      its signals go through the executor (sizing -> risk -> intent -> SimulatedFillSink);
 *      with `fill.at = 'close'` they fill at this close;
 *   4. INTRADAY positions are squared off at the close of the cut-off bar or the day's last bar;
 *   5. equity (cash + position at the close) is recorded.
 * The strategy class is the one that runs live; only the context, executor sink and clock differ.
 */
import { ManualClock } from '@/common/clock';
import type { Paise } from '@/common/money';
import type { Signal } from '@/domain/execution';
import type { Candle, Side } from '@/domain/market';
import type {
  SignalExecutor,
  SignalInput,
  StrategyContext,
  StrategyPosition,
} from '@/strategies/strategy.contract';
import { BacktestExecutor, SimulatedFillSink, type PendingOrder } from '@/backtest/backtest-executor';
import type { BacktestOptions, BacktestResult, RefusedSignal } from '@/backtest/backtest.types';
import { Book, type BacktestTrade } from '@/backtest/book';
import { NoCharges, segmentOf, type ChargeSegment, type ChargesModel } from '@/backtest/charges';
import { INTERVAL_MS, istDay } from '@/backtest/csv-candles';
import {
  cappedQuantity,
  DEFAULT_FILL,
  protectiveExit,
  slipped,
  type FillOptions,
  type ProtectiveLevels,
} from '@/backtest/fill-model';
import { computeMetrics } from '@/backtest/metrics';

const IST_OFFSET_MS = 330 * 60_000;
const PROGRESS_EVERY = 1 << 16;

export class BacktestCancelled extends Error {}

export async function runBacktest(candles: readonly Candle[], o: BacktestOptions): Promise<BacktestResult> {
  return new BacktestRun(candles, o).run();
}

class BacktestRun {
  private readonly clock = new ManualClock(0);
  private readonly book: Book;
  private readonly sink: SimulatedFillSink;
  private readonly executor: SignalExecutor;
  private readonly fill: FillOptions;
  private readonly charges: ChargesModel;
  private readonly segment: ChargeSegment;
  private readonly emitted: Signal[] = [];
  private readonly refusals: RefusedSignal[] = [];
  private readonly ctx: StrategyContext;
  private readonly strategyId: string;
  private readonly cutoffMinutes: number | null;
  private levels: ProtectiveLevels | null = null;
  private lastClose: Paise = 0;
  private warmingUp = true;
  private entriesBlocked = false;

  constructor(
    private readonly candles: readonly Candle[],
    private readonly o: BacktestOptions,
  ) {
    const inst = o.instrument;
    this.book = new Book(inst.symbol, o.capitalPaise);
    this.sink = new SimulatedFillSink(inst.lotSize);
    this.fill = { ...DEFAULT_FILL, ...o.fill };
    this.charges = o.charges ?? new NoCharges();
    this.segment = segmentOf(inst.instrumentType, o.product);
    this.strategyId = o.strategyId ?? o.strategy.id;
    const sq = o.squareOffTime === undefined ? '15:15' : o.squareOffTime;
    this.cutoffMinutes =
      o.product === 'INTRADAY' && sq ? Number(sq.slice(0, 2)) * 60 + Number(sq.slice(3, 5)) : null;
    const account = {
      equityPaise: () => this.book.equityAt(this.lastClose),
      projectedQuantity: () => this.projectedQuantity(),
      lastPricePaise: () => this.lastClose,
    };
    const deps = { sink: this.sink, account, instrument: inst, product: o.product };
    this.executor = o.executor
      ? o.executor(deps)
      : new BacktestExecutor({
          ...deps,
          lotSize: inst.lotSize,
          sizing: o.sizing ?? { kind: 'EQUITY_FRACTION', fraction: 1 },
          leverage: o.leverage ?? 1,
          allowShort: o.allowShort ?? false,
          riskCheck: o.riskCheck,
          onRefused: (s, reason) =>
            this.refusals.push({
              time: s.time,
              signal: { side: s.side, reason: s.reason, intent: s.intent },
              reason,
            }),
        });
    this.ctx = this.buildContext();
  }

  async run(): Promise<BacktestResult> {
    const { candles, o, book, sink, fill } = this;
    const strategy = o.strategy;
    const start = Math.max(0, Math.min(o.startIndex ?? 0, candles.length));
    const n = candles.length - start;
    const step = INTERVAL_MS[o.interval];
    const equity = new Float64Array(n);
    const times = new Float64Array(n);
    const atOpen = fill.at === 'open';
    let exposureBars = 0;
    let cancelled = false;
    strategy.onStart?.(this.ctx);
    for (let i = 0; i < candles.length; i++) {
      const c = candles[i];
      const closeTime = c.start + step;
      this.warmingUp = i < start;
      sink.bar = i;
      if (atOpen && sink.pending.length > 0) this.fillPending(c, i, c.openPaise, c.start);
      if (this.levels !== null && book.quantity !== 0) this.checkProtective(c, i);
      this.clock.set(closeTime);
      this.lastClose = c.closePaise;
      if (this.cutoffMinutes !== null) this.entriesBlocked = this.pastCutoff(closeTime);
      strategy.onCandle?.(c, this.ctx);
      if (this.emitted.length > 0) await this.dispatch(c, i, closeTime);
      if (this.levels !== null) this.trail(c);
      if (this.cutoffMinutes !== null && (book.quantity !== 0 || sink.pending.length > 0))
        this.maybeSquareOff(c, i, closeTime);
      if (i >= start) {
        const k = i - start;
        times[k] = closeTime;
        equity[k] = book.cashPaise + book.quantity * c.closePaise;
        if (book.quantity !== 0) exposureBars++;
      }
      if ((i & (PROGRESS_EVERY - 1)) === PROGRESS_EVERY - 1) {
        if (o.onProgress) await o.onProgress(i + 1, candles.length);
        if (o.isCancelled?.()) {
          cancelled = true;
          break;
        }
      }
    }
    const last = candles[candles.length - 1];
    if (last && !cancelled && book.quantity !== 0) {
      this.closeAll(last.closePaise, last.start + step, candles.length - 1, 'END_OF_DATA', false);
      if (n > 0) equity[n - 1] = book.cashPaise;
    }
    strategy.onStop?.(this.ctx);
    await o.onProgress?.(candles.length, candles.length);
    const metrics = computeMetrics({
      times,
      equity,
      trades: book.trades,
      capitalPaise: o.capitalPaise,
      exposureBars,
      totalChargesPaise: book.totalChargesPaise,
      riskFreeRate: o.riskFreeRate ?? 0,
      startTime: n > 0 ? candles[start].start : 0,
    });
    return {
      symbol: o.instrument.symbol,
      interval: o.interval,
      strategyId: this.strategyId,
      params: { ...strategy.params },
      capitalPaise: o.capitalPaise,
      startTime: n > 0 ? candles[start].start : 0,
      endTime: n > 0 ? last.start + step : 0,
      bars: n,
      trades: book.trades,
      equityTimes: times,
      equity,
      metrics,
      refusals: this.refusals,
      cancelled,
    };
  }

  private async dispatch(c: Candle, i: number, closeTime: number): Promise<void> {
    const signals = this.emitted.splice(0);
    if (this.warmingUp) return;
    for (const s of signals) {
      if (this.entriesBlocked && this.opensPosition(s)) {
        this.refusals.push({
          time: s.time,
          signal: { side: s.side, reason: s.reason, intent: s.intent },
          reason: 'SQUARE_OFF_CUTOFF: no new intraday entries after the square-off time',
        });
        continue;
      }
      const r = this.executor.execute(s);
      if (r instanceof Promise) await r;
    }
    if (this.fill.at === 'close' && this.sink.pending.length > 0)
      this.fillPending(c, i, c.closePaise, closeTime);
  }

  private opensPosition(s: Signal): boolean {
    const q = this.projectedQuantity();
    return s.intent !== 'EXIT' && (q === 0 || Math.sign(q) === (s.side === 'BUY' ? 1 : -1));
  }

  private projectedQuantity(): number {
    let q = this.book.quantity;
    for (const p of this.sink.pending) q += p.intent.side === 'BUY' ? p.remaining : -p.remaining;
    return q;
  }

  /** Fill what the bar allows of each pending order, oldest first. */
  private fillPending(c: Candle, i: number, basePrice: Paise, time: number): void {
    const pending = this.sink.pending;
    const lot = this.o.instrument.lotSize;
    let volumeLeft = c.volume;
    for (let k = 0; k < pending.length; k++) {
      const p = pending[k];
      if (this.fill.at === 'open' && p.bar >= i) continue;
      const side = p.intent.side;
      const price = slipped(basePrice, side, this.fill, this.o.instrument.tickSizePaise);
      let qty = cappedQuantity(p.remaining, volumeLeft, this.fill, lot);
      qty = Math.min(qty, this.affordable(side, qty, price, lot));
      if (qty > 0) {
        volumeLeft -= qty;
        this.execute(p, side, qty, price, time, i);
      }
      if (
        p.remaining === 0 ||
        this.fill.remainder === 'cancel' ||
        (qty === 0 && this.affordable(side, lot, price, lot) === 0)
      ) {
        pending.splice(k--, 1);
      }
    }
  }

  /** Opening quantity is limited by buying power (equity x leverage less the open exposure); closing never is. */
  private affordable(side: Side, qty: number, price: Paise, lot: number): number {
    const pos = this.book.quantity;
    const closing = pos !== 0 && (side === 'BUY') !== pos > 0 ? Math.min(qty, Math.abs(pos)) : 0;
    if (qty === closing) return qty;
    const power =
      this.book.equityAt(price) * (this.o.leverage ?? 1) -
      Math.abs(pos - (side === 'BUY' ? -closing : closing)) * price;
    const openable = Math.max(0, Math.floor(power / (price * 1.001) / lot + 1e-9) * lot);
    return closing + Math.min(qty - closing, openable);
  }

  private execute(p: PendingOrder, side: Side, qty: number, price: Paise, time: number, bar: number): void {
    const ch = this.charges.compute({
      segment: this.segment,
      side,
      turnoverPaise: qty * price,
      time,
      brokerageSoFarPaise: p.brokerageSoFar,
      firstFillOfOrder: p.fills === 0,
    });
    p.brokerageSoFar += ch.brokerage;
    p.fills++;
    p.remaining -= qty;
    const before = this.book.quantity;
    this.book.apply(side, qty, price, ch.total, time, bar, 'SIGNAL');
    const after = this.book.quantity;
    if (after === 0) this.levels = null;
    else if (before === 0 || Math.sign(before) !== Math.sign(after)) this.setLevels(p, price);
    this.notify(
      p.intent.clientOrderId,
      side,
      p.remaining === 0 ? 'FILLED' : 'PARTIALLY_FILLED',
      qty,
      price,
      ch.total,
      time,
    );
  }

  private setLevels(p: PendingOrder, entry: Paise): void {
    const { stopLossPaise, takeProfitPaise, trailingStopPaise } = p.intent;
    this.levels =
      stopLossPaise !== undefined || takeProfitPaise !== undefined || trailingStopPaise !== undefined
        ? {
            stopPaise: stopLossPaise,
            targetPaise: takeProfitPaise,
            trailPaise: trailingStopPaise,
            anchorPaise: entry,
          }
        : null;
  }

  private checkProtective(c: Candle, i: number): void {
    const long = this.book.quantity > 0;
    const hit = protectiveExit(long, this.levels!, c.openPaise, c.highPaise, c.lowPaise);
    if (!hit) return;
    const side: Side = long ? 'SELL' : 'BUY';
    const price = hit.isStop
      ? slipped(hit.price, side, this.fill, this.o.instrument.tickSizePaise)
      : hit.price;
    this.closeAll(price, c.start, i, hit.reason, false);
  }

  /** Trailing anchors move on completed bars only (see fill-model). */
  private trail(c: Candle): void {
    const lv = this.levels!;
    if (this.book.quantity > 0) lv.anchorPaise = Math.max(lv.anchorPaise, c.highPaise);
    else if (this.book.quantity < 0) lv.anchorPaise = Math.min(lv.anchorPaise, c.lowPaise);
  }

  private pastCutoff(closeTime: number): boolean {
    return Math.floor(((closeTime + IST_OFFSET_MS) % 86_400_000) / 60_000) >= this.cutoffMinutes!;
  }

  private maybeSquareOff(c: Candle, i: number, closeTime: number): void {
    const next = this.candles[i + 1];
    const dayEnds = !next || istDay(next.start) !== istDay(c.start);
    if (!dayEnds && !this.pastCutoff(closeTime)) return;
    if (this.book.quantity !== 0) this.closeAll(c.closePaise, closeTime, i, 'SQUARE_OFF', true);
    this.sink.pending.length = 0;
  }

  /** Exit the whole position at one price; pending orders were placed against it and are cancelled. */
  private closeAll(
    price: Paise,
    time: number,
    bar: number,
    reason: BacktestTrade['exitReason'],
    slip: boolean,
  ): void {
    const qty = Math.abs(this.book.quantity);
    const side: Side = this.book.quantity > 0 ? 'SELL' : 'BUY';
    const px = slip ? slipped(price, side, this.fill, this.o.instrument.tickSizePaise) : price;
    const ch = this.charges.compute({
      segment: this.segment,
      side,
      turnoverPaise: qty * px,
      time,
      firstFillOfOrder: true,
    });
    this.book.apply(side, qty, px, ch.total, time, bar, reason);
    this.levels = null;
    this.sink.pending.length = 0;
    this.notify(`bt-exit-${bar}`, side, 'FILLED', qty, px, ch.total, time);
  }

  private notify(
    clientOrderId: string,
    side: Side,
    status: 'FILLED' | 'PARTIALLY_FILLED',
    qty: number,
    price: Paise,
    charges: Paise,
    time: number,
  ): void {
    const s = this.o.strategy;
    if (!s.onOrderUpdate) return;
    s.onOrderUpdate(
      {
        strategyId: this.strategyId,
        clientOrderId,
        symbol: this.o.instrument.symbol,
        side,
        status,
        fillQuantity: qty,
        fillPricePaise: price,
        chargesPaise: charges,
        time,
      },
      this.ctx,
    );
  }

  private buildContext(): StrategyContext {
    // The context is handed to user code: plain closures over this run, not the run object itself.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const run = this;
    const book = this.book;
    const symbol = this.o.instrument.symbol;
    let kit: StrategyContext['indicators'] | undefined;
    return {
      instanceId: this.strategyId,
      params: this.o.strategy.params,
      symbols: [symbol],
      timeframe: this.o.interval,
      clock: this.clock,
      get indicators() {
        // Loaded on first use so the backtester does not pull every indicator into a worker that never needs them.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        kit ??= require('@/strategies/indicators') as StrategyContext['indicators'];
        return kit;
      },
      portfolio: {
        cashPaise: () => book.cashPaise,
        equityPaise: () => book.equityAt(run.lastClose),
        netQuantity: (s: string) => (s === symbol ? book.quantity : 0),
      },
      get warmingUp() {
        return run.warmingUp;
      },
      position(s: string): StrategyPosition {
        const mine = s === symbol;
        return {
          symbol: s,
          quantity: mine ? book.quantity : 0,
          avgPricePaise: mine ? book.avgPricePaise() : 0,
          openedAt: mine ? book.openedAt : 0,
          realisedPnlPaise: mine ? book.realisedPnlPaise : 0,
        };
      },
      emit(input: SignalInput): void {
        run.emitted.push({ ...input, strategyId: run.strategyId, time: input.time ?? run.clock.now() });
      },
      log(): void {
        // Backtests are silent; strategies log for live operations.
      },
    };
  }
}
