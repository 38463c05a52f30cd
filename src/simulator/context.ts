import type { Clock } from '@/common/clock';
import type { SessionStore } from './auth';
import type { FaultController } from './faults';
import type { CandleHistory } from './market/candles';
import type { InstrumentStore } from './market/instruments';
import type { Market } from './market/market';
import type { MatchingEngine } from './matching/engine';
import type { GttBook } from './matching/gtt';
import type { SimulatorOptions } from './options';
import type { RateLimiter } from './rate-limits';

/** Every placeOrder the simulator received, so reliability tests can prove no ordertag arrived twice. */
export interface OrderTagEntry {
  at: number;
  clientCode: string;
  ordertag: string;
  orderid: string | null;
}

/** The simulator's parts, shared by the HTTP routes and the sockets. */
export interface SimContext {
  options: SimulatorOptions;
  clock: Clock;
  instruments: InstrumentStore;
  market: Market;
  candles: CandleHistory;
  engine: MatchingEngine;
  gtt: GttBook;
  sessions: SessionStore;
  rateLimiter: RateLimiter;
  faults: FaultController;
  orderTagLog: OrderTagEntry[];
}
