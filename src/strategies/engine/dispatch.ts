/** The engine's outward steps: warm-up history, group decisions and handing a signal to the executor. */
import type { Signal } from '@/domain/execution';
import type { Candle } from '@/domain/market';
import type { SignalExecutor, SignalInput } from '@/strategies/strategy.contract';
import { aggregateVotes } from './aggregation';
import type { EngineLogger, HistoryProvider } from './engine.types';
import { INTERVAL_MS } from './resampler';
import type { GroupOwner, Owner, Runtime } from './runtime';

/** The warm-up bars of every symbol and timeframe of an instance, in the order they closed. */
export async function loadWarmup(rt: Runtime, history: HistoryProvider, before: number): Promise<Candle[]> {
  const bars = rt.strategy.warmupBars();
  if (bars <= 0) return [];
  const all: Candle[] = [];
  for (const symbol of rt.config.symbols) {
    for (const tf of rt.timeframes) {
      const candles = await history.loadCandles(symbol, tf, bars, before);
      for (const c of candles) {
        all.push({ ...c, closed: true });
        const key = `${symbol}|${tf}`;
        rt.lastHistoryStart.set(key, Math.max(rt.lastHistoryStart.get(key) ?? -Infinity, c.start));
      }
    }
  }
  // Replay in the order the bars closed, so a 5m bar follows the 1m bar that ended it.
  return all.sort(
    (a, b) =>
      a.start + INTERVAL_MS[a.interval] - (b.start + INTERVAL_MS[b.interval]) ||
      INTERVAL_MS[a.interval] - INTERVAL_MS[b.interval],
  );
}

/** The group's signals from the votes collected in this event (then cleared); `members` are the running ones. */
export function decideGroup(g: GroupOwner, members: readonly Runtime[]): SignalInput[] {
  const out: SignalInput[] = [];
  for (const [symbol, votes] of g.votes) {
    const voters = members
      .filter((m) => m.config.symbols.includes(symbol))
      .map((m) => ({ id: m.id, weight: m.config.weight ?? 1 }));
    const d = aggregateVotes(g.config.mode, votes, voters, g.config.threshold);
    if (!d) continue;
    const held = g.book.position(symbol).quantity;
    const intent = held !== 0 && Math.sign(held) !== (d.side === 'BUY' ? 1 : -1) ? 'EXIT' : 'ENTRY';
    g.metrics.signals++;
    out.push({
      symbol,
      side: d.side,
      strength: d.strength,
      reason: d.reason,
      intent,
      stopLossPaise: d.stopLossPaise,
      takeProfitPaise: d.takeProfitPaise,
    });
  }
  g.votes.clear();
  return out;
}

/**
 * Hand a signal to the executor. Refusals (an outcome with `accepted: false`, RISK_REJECTED or
 * SINK_REJECTED), throws and rejected promises are counted on the owner and logged, never propagated.
 */
export function dispatchSignal(
  owner: Owner,
  signal: Signal,
  executor: SignalExecutor,
  log: EngineLogger,
): void {
  const refused = (r: unknown): void => {
    const o = r as { status?: string; accepted?: boolean } | null | undefined;
    if (o && (o.accepted === false || o.status === 'RISK_REJECTED' || o.status === 'SINK_REJECTED'))
      owner.metrics.executorRejections++;
  };
  const failed = (err: unknown, how: string): void => {
    owner.metrics.executorRejections++;
    log.error(`[${owner.id}] executor ${how} on ${signal.side} ${signal.symbol}: ${(err as Error).message}`);
  };
  try {
    const result = executor.execute(signal);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(refused, (err: unknown) => failed(err, 'failed'));
    } else refused(result);
  } catch (err) {
    failed(err, 'threw');
  }
}
