/**
 * Bollinger breakout: buy when a candle closes above the upper band (optionally only on volume above
 * its recent average), exit when the close falls back below the middle band; shorts mirror it below the
 * lower band when allowed. The middle band at entry is sent as the protective stop.
 */
import type { Candle } from '@/domain/market';
import { BollingerBands, SMA } from '@/strategies/indicators';
import { BooleanParam, NumberParam } from '@/strategies/params';
import { Strategy, type StrategyContext } from '@/strategies/strategy.contract';

export class BollingerBreakoutParams {
  @NumberParam({ description: 'Band period in bars', min: 5, max: 500, integer: true })
  period = 20;

  @NumberParam({ description: 'Band width in standard deviations', min: 0.5, max: 5 })
  stdDevs = 2;

  @BooleanParam({ description: 'Require the breakout bar volume to exceed volumeFactor x its average' })
  volumeConfirm = false;

  @NumberParam({
    description: 'Bars in the volume average used for confirmation',
    min: 2,
    max: 500,
    integer: true,
  })
  volumePeriod = 20;

  @NumberParam({
    description: 'Breakout volume must be at least this multiple of the average',
    min: 1,
    max: 10,
  })
  volumeFactor = 1.5;

  @BooleanParam({ description: 'Short a close below the lower band while flat' })
  allowShort = false;
}

interface SymbolState {
  bands: BollingerBands;
  volume: SMA;
}

export class BollingerBreakoutStrategy extends Strategy<BollingerBreakoutParams> {
  readonly id = 'bollinger-breakout';
  readonly name = 'Bollinger breakout';
  readonly description =
    'Buys a close above the upper Bollinger band (optional volume confirmation), exits below the middle band.';
  readonly paramsSchema = BollingerBreakoutParams;
  private readonly state = new Map<string, SymbolState>();

  warmupBars(): number {
    return Math.max(this.params.period, this.params.volumeConfirm ? this.params.volumePeriod + 1 : 0);
  }

  override onCandle(candle: Candle, ctx: StrategyContext<BollingerBreakoutParams>): void {
    if (!candle.closed || candle.interval !== ctx.timeframe) return;
    const p = this.params;
    let s = this.state.get(candle.symbol);
    if (!s)
      this.state.set(
        candle.symbol,
        (s = { bands: new BollingerBands(p.period, p.stdDevs), volume: new SMA(p.volumePeriod) }),
      );
    // Confirmation compares with the average of the bars before this one, so the breakout bar's own
    // volume cannot dilute its own test.
    const avgVolume = s.volume.value;
    const volumeReady = s.volume.ready;
    s.volume.update(candle.volume);
    s.bands.update(candle.closePaise);
    if (!s.bands.ready) return;
    const { upper, lower, middle } = s.bands;
    const close = candle.closePaise;
    const qty = ctx.position(candle.symbol).quantity;
    const symbol = candle.symbol;
    const volumeOk = !p.volumeConfirm || (volumeReady && candle.volume >= p.volumeFactor * avgVolume);
    const band = (x: number): string => (x / 100).toFixed(2);
    if (qty > 0 && close < middle) {
      ctx.emit({
        symbol,
        side: 'SELL',
        strength: 1,
        intent: 'EXIT',
        reason: `close ${band(close)} back below middle band ${band(middle)}`,
      });
    } else if (qty < 0 && close > middle) {
      ctx.emit({
        symbol,
        side: 'BUY',
        strength: 1,
        intent: 'EXIT',
        reason: `close ${band(close)} back above middle band ${band(middle)}`,
      });
    } else if (qty === 0 && close > upper && volumeOk) {
      const strength = Math.min(1, 0.5 + (close - upper) / Math.max(1, upper - middle));
      ctx.emit({
        symbol,
        side: 'BUY',
        strength,
        intent: 'ENTRY',
        reason: `close ${band(close)} above upper band ${band(upper)}${p.volumeConfirm ? ' on volume' : ''}`,
        stopLossPaise: Math.round(middle),
      });
    } else if (qty === 0 && p.allowShort && close < lower && volumeOk) {
      const strength = Math.min(1, 0.5 + (lower - close) / Math.max(1, middle - lower));
      ctx.emit({
        symbol,
        side: 'SELL',
        strength,
        intent: 'ENTRY',
        reason: `close ${band(close)} below lower band ${band(lower)}${p.volumeConfirm ? ' on volume' : ''}`,
        stopLossPaise: Math.round(middle),
      });
    }
  }
}
