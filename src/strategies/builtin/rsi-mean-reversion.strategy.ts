/**
 * RSI mean reversion: buy when Wilder's RSI falls through the oversold level, exit when it rises
 * through the overbought level; optionally the mirror image for shorts. Closed candles of the
 * instance's timeframe only.
 */
import type { Candle } from '@/domain/market';
import { RSI } from '@/strategies/indicators';
import { BooleanParam, NumberParam } from '@/strategies/params';
import { Strategy, type ParamProblem, type StrategyContext } from '@/strategies/strategy.contract';
import { stopBelow } from './levels';

export class RsiMeanReversionParams {
  @NumberParam({ description: 'RSI period in bars (Wilder smoothing)', min: 2, max: 200, integer: true })
  period = 14;

  @NumberParam({ description: 'Buy when RSI falls below this level', min: 1, max: 50 })
  oversold = 30;

  @NumberParam({
    description: 'Exit a long (or short, when allowed) when RSI rises above this level',
    min: 50,
    max: 99,
  })
  overbought = 70;

  @NumberParam({
    description: 'Protective stop as a percentage of the entry close; 0 = none',
    min: 0,
    max: 50,
  })
  stopLossPct = 0;

  @BooleanParam({ description: 'Short when RSI rises above overbought while flat; cover below oversold' })
  allowShort = false;
}

export class RsiMeanReversionStrategy extends Strategy<RsiMeanReversionParams> {
  readonly id = 'rsi-mean-reversion';
  readonly name = 'RSI mean reversion';
  readonly description =
    'Buys oversold dips (RSI below the lower level) and exits when RSI turns overbought.';
  readonly paramsSchema = RsiMeanReversionParams;
  private readonly state = new Map<string, { rsi: RSI; prev: number }>();

  warmupBars(): number {
    return this.params.period + 2;
  }

  override validateParams(): ParamProblem[] {
    const { oversold, overbought } = this.params;
    return oversold < overbought
      ? []
      : [
          {
            param: 'oversold',
            message: `parameter 'oversold' (${oversold}) must be below 'overbought' (${overbought})`,
          },
        ];
  }

  override onCandle(candle: Candle, ctx: StrategyContext<RsiMeanReversionParams>): void {
    if (!candle.closed || candle.interval !== ctx.timeframe) return;
    let s = this.state.get(candle.symbol);
    if (!s) this.state.set(candle.symbol, (s = { rsi: new RSI(this.params.period), prev: NaN }));
    const rsi = s.rsi.update(candle.closePaise);
    const prev = s.prev;
    s.prev = rsi;
    if (!s.rsi.ready || Number.isNaN(prev)) return;
    const { oversold, overbought, allowShort, stopLossPct } = this.params;
    const qty = ctx.position(candle.symbol).quantity;
    const symbol = candle.symbol;
    const at = `RSI ${rsi.toFixed(1)}`;
    const crossedBelowOversold = prev >= oversold && rsi < oversold;
    const crossedAboveOverbought = prev <= overbought && rsi > overbought;
    if (qty > 0 && crossedAboveOverbought) {
      ctx.emit({
        symbol,
        side: 'SELL',
        strength: 1,
        intent: 'EXIT',
        reason: `${at} above ${overbought}: take the reversion`,
      });
    } else if (qty < 0 && crossedBelowOversold) {
      ctx.emit({
        symbol,
        side: 'BUY',
        strength: 1,
        intent: 'EXIT',
        reason: `${at} below ${oversold}: cover short`,
      });
    } else if (qty === 0 && crossedBelowOversold) {
      const strength = Math.min(1, Math.max(0.1, (oversold - rsi) / oversold + 0.5));
      ctx.emit({
        symbol,
        side: 'BUY',
        strength,
        intent: 'ENTRY',
        reason: `${at} below ${oversold}: oversold`,
        ...stopBelow(candle.closePaise, stopLossPct, 'BUY'),
      });
    } else if (qty === 0 && allowShort && crossedAboveOverbought) {
      const strength = Math.min(1, Math.max(0.1, (rsi - overbought) / (100 - overbought) + 0.5));
      ctx.emit({
        symbol,
        side: 'SELL',
        strength,
        intent: 'ENTRY',
        reason: `${at} above ${overbought}: overbought`,
        ...stopBelow(candle.closePaise, stopLossPct, 'SELL'),
      });
    }
  }
}
