/** Incremental, allocation-free indicators (O(1) `update`, results in fields) with batch forms. */
export { ATR } from './atr';
export { BollingerBands } from './bollinger';
export { EMA } from './ema';
export { MACD } from './macd';
export { RollingExtreme } from './rolling-extreme';
export { RSI } from './rsi';
export { SMA } from './sma';
export { Stochastic } from './stochastic';
export { SuperTrend } from './supertrend';
export { SessionVWAP } from './vwap';
export { WMA } from './wma';
