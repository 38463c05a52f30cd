/** Domain words shared by the broker port, market data, strategies, backtest, risk and orders. No SmartAPI field names here. */
import type { Paise } from '@/common/money';

export type Exchange = 'NSE' | 'BSE' | 'NFO' | 'BFO' | 'MCX' | 'CDS';
export type InstrumentType =
  'EQ' | 'INDEX' | 'FUTIDX' | 'FUTSTK' | 'OPTIDX' | 'OPTSTK' | 'FUTCOM' | 'OPTFUT' | 'OTHER';

export interface Instrument {
  /** Platform symbol, `EXCHANGE:TRADINGSYMBOL`, e.g. `NSE:SBIN-EQ`. */
  symbol: string;
  exchange: Exchange;
  tradingSymbol: string;
  /** Broker token, e.g. `3045`. */
  token: string;
  name: string;
  instrumentType: InstrumentType;
  expiry: string | null; // YYYY-MM-DD
  strikePaise: Paise | null;
  optionType: 'CE' | 'PE' | null;
  lotSize: number;
  tickSizePaise: Paise;
}

export type TickMode = 'LTP' | 'QUOTE' | 'SNAP';

export interface DepthLevel {
  pricePaise: Paise;
  quantity: number;
  orders: number;
}

export interface Tick {
  symbol: string;
  token: string;
  exchange: Exchange;
  mode: TickMode;
  exchangeTime: number; // epoch ms UTC
  receivedAt: number; // epoch ms UTC
  ltpPaise: Paise;
  lastQuantity?: number;
  volume?: number; // cumulative for the day
  avgPricePaise?: Paise;
  openPaise?: Paise;
  highPaise?: Paise;
  lowPaise?: Paise;
  closePaise?: Paise; // previous close
  openInterest?: number;
  totalBuyQuantity?: number;
  totalSellQuantity?: number;
  bids?: DepthLevel[];
  asks?: DepthLevel[];
  upperCircuitPaise?: Paise;
  lowerCircuitPaise?: Paise;
}

export type Interval = '1m' | '3m' | '5m' | '15m' | '30m' | '1h' | '1d';
export const INTERVALS: readonly Interval[] = ['1m', '3m', '5m', '15m', '30m', '1h', '1d'];

export interface Candle {
  symbol: string;
  interval: Interval;
  start: number; // epoch ms UTC of the bucket start
  openPaise: Paise;
  highPaise: Paise;
  lowPaise: Paise;
  closePaise: Paise;
  volume: number;
  closed: boolean;
}

export type Side = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
export type ProductType = 'INTRADAY' | 'DELIVERY' | 'CARRYFORWARD';
export type Validity = 'DAY' | 'IOC';
