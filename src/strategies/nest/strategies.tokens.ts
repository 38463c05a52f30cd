/**
 * Optional DI token for the executor every strategy signal goes to (sizing -> risk -> order intent ->
 * order sink): the orders/risk side provides `{ provide: STRATEGY_SIGNAL_EXECUTOR, useFactory: ... }`
 * returning an object with `execute(signal)` (the orders module's SignalExecutor fits). Without it,
 * signals are published on the event bus (`strategies.signal`) and counted as not executed.
 */
export const STRATEGY_SIGNAL_EXECUTOR = Symbol('STRATEGY_SIGNAL_EXECUTOR');
