import type { StrategyClass } from '@/strategies/strategy.contract';
import { BollingerBreakoutStrategy } from './bollinger-breakout.strategy';
import { RsiMeanReversionStrategy } from './rsi-mean-reversion.strategy';
import { SmaCrossoverStrategy } from './sma-crossover.strategy';
import { TickScalperStrategy } from './tick-scalper.strategy';

export { BollingerBreakoutParams, BollingerBreakoutStrategy } from './bollinger-breakout.strategy';
export { RsiMeanReversionParams, RsiMeanReversionStrategy } from './rsi-mean-reversion.strategy';
export { SmaCrossoverParams, SmaCrossoverStrategy } from './sma-crossover.strategy';
export { TickScalperParams, TickScalperStrategy } from './tick-scalper.strategy';

/** The shipped strategy types, registered by `StrategyRegistry.withBuiltins()`. */
export const BUILTIN_STRATEGIES: readonly StrategyClass[] = [
  SmaCrossoverStrategy,
  RsiMeanReversionStrategy,
  BollingerBreakoutStrategy,
  TickScalperStrategy,
] as unknown as StrategyClass[];
