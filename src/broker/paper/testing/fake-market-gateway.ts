/**
 * A market-data-only `BrokerGateway` for paper specs: ticks are pushed by the test, subscriptions are
 * recorded, and any order call fails the test (the paper gateway must never send orders to it).
 */
import { BrokerGateway, type Unsubscribe } from '@/broker/broker-gateway';
import type {
  BrokerProfile,
  OrderUpdate,
  Quote,
  SessionStatus,
  TickSubscription,
} from '@/broker/broker.types';
import type { Candle, DepthLevel, Instrument, Tick } from '@/domain/market';

export const SBIN = {
  symbol: 'NSE:SBIN-EQ',
  exchange: 'NSE',
  tradingSymbol: 'SBIN-EQ',
  token: '3045',
} as const;

const neverHere = (what: string): Promise<never> =>
  Promise.reject(new Error(`${what} must not reach the real broker in paper mode`));

export class FakeMarketGateway extends BrokerGateway {
  readonly subscribed = new Map<string, TickSubscription['mode']>();
  readonly calls: string[] = [];
  private readonly handlers = new Set<(t: Tick) => void>();

  connect(): Promise<void> {
    this.calls.push('connect');
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.calls.push('disconnect');
    return Promise.resolve();
  }
  sessionStatus(): SessionStatus {
    return { state: 'CONNECTED', since: 0 };
  }
  profile(): Promise<BrokerProfile> {
    return Promise.resolve({ clientCode: 'REAL01', name: 'Real', exchanges: ['NSE'], products: [] });
  }
  placeOrder(): Promise<never> {
    return neverHere('placeOrder');
  }
  modifyOrder(): Promise<never> {
    return neverHere('modifyOrder');
  }
  cancelOrder(): Promise<never> {
    return neverHere('cancelOrder');
  }
  orderBook(): Promise<never> {
    return neverHere('orderBook');
  }
  findOrderByTag(): Promise<never> {
    return neverHere('findOrderByTag');
  }
  tradeBook(): Promise<never> {
    return neverHere('tradeBook');
  }
  positions(): Promise<never> {
    return neverHere('positions');
  }
  holdings(): Promise<never> {
    return neverHere('holdings');
  }
  funds(): Promise<never> {
    return neverHere('funds');
  }
  historicalCandles(): Promise<Candle[]> {
    this.calls.push('historicalCandles');
    return Promise.resolve([]);
  }
  quotes(ins: Pick<Instrument, 'symbol' | 'exchange' | 'token'>[]): Promise<Quote[]> {
    this.calls.push('quotes');
    return Promise.resolve(ins.map((i) => ({ ...i, ltpPaise: 12345 })));
  }
  instrumentMaster(): Promise<Instrument[]> {
    this.calls.push('instrumentMaster');
    return Promise.resolve([]);
  }

  subscribeTicks(subs: TickSubscription[]): void {
    for (const s of subs) this.subscribed.set(s.instrument.token, s.mode);
  }
  unsubscribeTicks(subs: TickSubscription[]): void {
    for (const s of subs) this.subscribed.delete(s.instrument.token);
  }
  onTick(handler: (tick: Tick) => void): Unsubscribe {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
  onOrderUpdate(_handler: (update: OrderUpdate) => void): Unsubscribe {
    return () => undefined;
  }

  /** Pushes one tick to every handler, like the stream would. */
  push(tick: Tick): void {
    for (const h of this.handlers) h({ ...tick });
  }
}

/** `[price paise, quantity]` pairs, best first. */
export type Levels = [number, number][];

export function depthTick(
  at: number,
  ltpPaise: number,
  bids: Levels,
  asks: Levels,
  instrument: { symbol: string; exchange: 'NSE'; token: string } = SBIN,
): Tick {
  const level = ([pricePaise, quantity]: [number, number]): DepthLevel => ({
    pricePaise,
    quantity,
    orders: 1,
  });
  return {
    symbol: instrument.symbol,
    exchange: instrument.exchange,
    token: instrument.token,
    mode: 'SNAP',
    exchangeTime: at,
    receivedAt: at,
    ltpPaise,
    bids: bids.map(level),
    asks: asks.map(level),
  };
}

export function ltpTick(at: number, ltpPaise: number, instrument = SBIN): Tick {
  return {
    symbol: instrument.symbol,
    exchange: instrument.exchange,
    token: instrument.token,
    mode: 'LTP',
    exchangeTime: at,
    receivedAt: at,
    ltpPaise,
  };
}
