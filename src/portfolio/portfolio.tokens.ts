import type { InstrumentSpec } from '@/risk/risk-types';

/**
 * Optional DI token: `(symbol) => InstrumentSpec | undefined` from the instrument master. Without it the
 * portfolio derives the exchange from the symbol with lot size 1 and a 1-paisa tick (the orders module
 * still validates lots and ticks against the instrument master before anything is sent).
 */
export const INSTRUMENT_SPECS = Symbol('INSTRUMENT_SPECS');
export type InstrumentSpecLookup = (symbol: string) => InstrumentSpec | undefined;

const EXCHANGES = new Set(['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS']);

export function fallbackSpec(symbol: string): InstrumentSpec | undefined {
  const exchange = symbol.split(':')[0];
  if (!EXCHANGES.has(exchange)) return undefined;
  return { exchange: exchange as InstrumentSpec['exchange'], lotSize: 1, tickSizePaise: 1 };
}
