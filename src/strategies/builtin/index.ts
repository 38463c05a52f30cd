import type { StrategyClass } from '@/strategies/strategy.contract';
import { SmaCrossoverStrategy } from './sma-crossover.strategy';

export { SmaCrossoverParams, SmaCrossoverStrategy } from './sma-crossover.strategy';

/** The shipped strategy types, registered by `StrategyRegistry.withBuiltins()`. */
export const BUILTIN_STRATEGIES: readonly StrategyClass[] = [
  SmaCrossoverStrategy as unknown as StrategyClass,
];
