/**
 * What the orders core needs from the rest of the platform, as narrow ports so the core stays plain
 * TypeScript (unit-testable, usable from the kill -9 worker process) and the Nest module binds adapters.
 */
import type { Instrument } from '@/domain/market';
import type { OrderIntent, RiskOutcome, TradingState } from '@/domain/execution';

/** The risk module as orders sees it: pre-trade checks and the halt switch. */
export interface OrdersRiskPort {
  check(intent: OrderIntent, opts: { exit: boolean }): RiskOutcome | Promise<RiskOutcome>;
  state(): TradingState;
  halt(reason: string): void | Promise<void>;
}

/** Accepts everything, never halts: for modes and tests without a risk engine. */
export const PERMISSIVE_RISK: OrdersRiskPort = {
  check: () => ({ accepted: true }),
  state: () => 'ACTIVE',
  halt: () => undefined,
};

/** Sync or async (market-data's InstrumentDirectory is async); null and undefined both mean unknown. */
export interface InstrumentLookup {
  get(symbol: string): Instrument | null | undefined | Promise<Instrument | null | undefined>;
}

export interface OrdersAlert {
  key: string;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  message: string;
}

export interface OrdersAlertSink {
  raise(alert: OrdersAlert): void;
}

/** The placement queue (Bull in production). `add` must be idempotent on jobId. */
export interface PlacementQueue {
  add(jobId: string, data: PlacementJob): Promise<void>;
  has(jobId: string): Promise<boolean>;
}

export interface PlacementJob {
  orderId: string;
  /**
   * Look the ordertag up at the broker before sending (set by the outbox relay for orders placed before
   * the database server's last start, whose claim may have been lost with it; see OrderStore.claim).
   */
  verify?: boolean;
}

/** `order:<userId>:<clientOrderId>`: client ids are unique per user only, so the user keeps job ids unique. */
export function placementJobId(userId: string, clientOrderId: string): string {
  return `order:${userId}:${clientOrderId}`;
}

/** Orders placed by strategies with no user behind them belong to this system user. */
export const SYSTEM_USER_ID = '00000000-0000-0000-0000-000000000000';

/** DI tokens other modules provide to plug into orders (all optional; see OrdersRuntime). */
export const ORDERS_RISK = Symbol('ORDERS_RISK');
export const ORDERS_INSTRUMENTS = Symbol('ORDERS_INSTRUMENTS');
export const ORDERS_POSITIONS = Symbol('ORDERS_POSITIONS');
