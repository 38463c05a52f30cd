/**
 * SMA crossover: buy when the fast SMA of closes crosses above the slow one, exit (or go short when
 * allowed) when it crosses back below. Trades on closed candles of the instance's timeframe only.
 */
import type { Candle } from '@/domain/market';
import { SMA } from '@/strategies/indicators';
import { BooleanParam, NumberParam } from '@/strategies/params';
import { Strategy, type ParamProblem, type StrategyContext } from '@/strategies/strategy.contract';

export class SmaCrossoverParams {
  @NumberParam({ description: 'Fast SMA period in bars', min: 2, max: 500, integer: true })
  fast = 20;

  @NumberParam({
    description: 'Slow SMA period in bars (must exceed fast)',
    min: 3,
    max: 2000,
    integer: true,
  })
  slow = 50;

  @BooleanParam({ description: 'Open a short on a downward cross when flat (intraday only)' })
  allowShort = false;
}

interface SymbolState {
  fast: SMA;
  slow: SMA;
  /** Sign of fast - slow on the previous bar: 1, -1, or 0 before the first comparable bar. */
  prevSign: number;
}

export class SmaCrossoverStrategy extends Strategy<SmaCrossoverParams> {
  readonly id = 'sma-crossover';
  readonly name = 'SMA crossover';
  readonly description =
    'Long when the fast SMA crosses above the slow SMA; exit (or short) on the cross back below.';
  readonly paramsSchema = SmaCrossoverParams;
  private readonly state = new Map<string, SymbolState>();

  warmupBars(): number {
    return this.params.slow + 1;
  }

  override validateParams(): ParamProblem[] {
    return this.params.fast < this.params.slow
      ? []
      : [
          {
            param: 'fast',
            message: `parameter 'fast' (${this.params.fast}) must be below 'slow' (${this.params.slow})`,
          },
        ];
  }

  override onCandle(candle: Candle, ctx: StrategyContext<SmaCrossoverParams>): void {
    if (!candle.closed || candle.interval !== ctx.timeframe) return;
    let s = this.state.get(candle.symbol);
    if (!s) {
      s = { fast: new SMA(this.params.fast), slow: new SMA(this.params.slow), prevSign: 0 };
      this.state.set(candle.symbol, s);
    }
    const f = s.fast.update(candle.closePaise);
    const sl = s.slow.update(candle.closePaise);
    if (!s.slow.ready) return;
    const sign = f > sl ? 1 : f < sl ? -1 : s.prevSign;
    const prev = s.prevSign;
    s.prevSign = sign;
    if (prev === 0 || sign === prev) return;
    const qty = ctx.position(candle.symbol).quantity;
    const gap = `fast ${(f / 100).toFixed(2)} vs slow ${(sl / 100).toFixed(2)}`;
    if (sign > 0) {
      if (qty < 0)
        ctx.emit({
          symbol: candle.symbol,
          side: 'BUY',
          strength: 1,
          intent: 'EXIT',
          reason: `SMA cross up, cover short: ${gap}`,
        });
      else if (qty === 0)
        ctx.emit({
          symbol: candle.symbol,
          side: 'BUY',
          strength: 1,
          intent: 'ENTRY',
          reason: `SMA cross up: ${gap}`,
        });
    } else if (qty > 0) {
      ctx.emit({
        symbol: candle.symbol,
        side: 'SELL',
        strength: 1,
        intent: 'EXIT',
        reason: `SMA cross down, exit long: ${gap}`,
      });
    } else if (qty === 0 && this.params.allowShort) {
      ctx.emit({
        symbol: candle.symbol,
        side: 'SELL',
        strength: 1,
        intent: 'ENTRY',
        reason: `SMA cross down, short: ${gap}`,
      });
    }
  }
}
