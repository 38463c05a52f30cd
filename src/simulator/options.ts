import { SystemClock, type Clock } from '@/common/clock';
import type { InitialHolding } from './matching/accounts';
import type { MarketHours } from './market/market';
import type { CallFaultInput } from './faults';

/**
 * Simulator settings. Every credential has a documented default so a newcomer can log in with nothing
 * configured; these defaults are public test values and must never be used against the real broker.
 */
export interface SimulatorOptions {
  host: string;
  /** 0 picks an ephemeral port. */
  port: number;
  seed: number;
  clientCode: string;
  /** The MPIN sent as `password` at login. */
  pin: string;
  /** Base32 TOTP seed, as shown when enabling TOTP on the SmartAPI site. */
  totpSecret: string;
  /** Expected in `X-PrivateKey` and `x-api-key`. */
  apiKey: string;
  tickIntervalMs: number;
  marketHours: MarketHours;
  startingCashPaise: number;
  initialHoldings: InitialHolding[];
  /** Per-client-code buckets of protocol §7.1; switch off only for load tests. */
  rateLimits: boolean;
  faults: CallFaultInput[];
  orderUpdateDelayMs: number;
  /** Time source for sessions, TOTP, order times and market hours (tests pass a ManualClock). */
  clock: Clock;
  /** Name of the client in getProfile. */
  clientName: string;
}

export const SIM_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  seed: 42,
  clientCode: 'SIM001',
  pin: '1234',
  totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  apiKey: 'sim-api-key',
  tickIntervalMs: 250,
  marketHours: 'always',
  startingCashPaise: 10_000_000_00, // ₹1 crore
  initialHoldings: [
    { token: '3045', quantity: 10, averagePricePaise: 750_00 },
    { token: '1594', quantity: 5, averagePricePaise: 1400_00 },
  ],
  rateLimits: true,
  faults: [],
  orderUpdateDelayMs: 0,
  clientName: 'SIMULATED TRADER',
} as const;

export function resolveOptions(o: Partial<SimulatorOptions> = {}): SimulatorOptions {
  return {
    host: o.host ?? SIM_DEFAULTS.host,
    port: o.port ?? SIM_DEFAULTS.port,
    seed: o.seed ?? SIM_DEFAULTS.seed,
    clientCode: o.clientCode ?? SIM_DEFAULTS.clientCode,
    pin: o.pin ?? SIM_DEFAULTS.pin,
    totpSecret: o.totpSecret ?? SIM_DEFAULTS.totpSecret,
    apiKey: o.apiKey ?? SIM_DEFAULTS.apiKey,
    tickIntervalMs: o.tickIntervalMs ?? SIM_DEFAULTS.tickIntervalMs,
    marketHours: o.marketHours ?? 'always',
    startingCashPaise: o.startingCashPaise ?? SIM_DEFAULTS.startingCashPaise,
    initialHoldings: o.initialHoldings ?? SIM_DEFAULTS.initialHoldings.map((h) => ({ ...h })),
    rateLimits: o.rateLimits ?? SIM_DEFAULTS.rateLimits,
    faults: o.faults ?? [],
    orderUpdateDelayMs: o.orderUpdateDelayMs ?? 0,
    clock: o.clock ?? new SystemClock(),
    clientName: o.clientName ?? SIM_DEFAULTS.clientName,
  };
}
