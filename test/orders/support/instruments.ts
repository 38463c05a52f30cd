import type { Instrument } from '@/domain/market';
import type { InstrumentLookup } from '@/orders/orders.ports';

export function equity(symbol: string, token: string): Instrument {
  const [exchange, tradingSymbol] = symbol.split(':') as [Instrument['exchange'], string];
  return {
    symbol,
    exchange,
    tradingSymbol,
    token,
    name: tradingSymbol,
    instrumentType: 'EQ',
    expiry: null,
    strikePaise: null,
    optionType: null,
    lotSize: 1,
    tickSizePaise: 5,
  };
}

export function lookup(list: Instrument[]): InstrumentLookup {
  const m = new Map(list.map((i) => [i.symbol, i]));
  return { get: (s) => m.get(s) };
}

export const TEST_INSTRUMENTS = lookup([
  equity('NSE:SBIN-EQ', '3045'),
  equity('BSE:SBIN-EQ', '500112'),
  equity('NSE:RELIANCE-EQ', '2885'),
  { ...equity('NFO:NIFTY26DECFUT', '35001'), exchange: 'NFO', instrumentType: 'FUTIDX', lotSize: 75 },
]);
