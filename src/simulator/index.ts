import type { AddressInfo } from 'node:net';
import { SessionStore, type SimCredentials } from './auth';
import type { OrderTagEntry, SimContext } from './context';
import { FaultController } from './faults';
import { adminRoutes } from './http/routes-admin';
import { gttRoutes } from './http/routes-gtt';
import { marketRoutes } from './http/routes-market';
import { orderRoutes } from './http/routes-orders';
import { sessionRoutes } from './http/routes-session';
import { SimHttpServer } from './http/server';
import { CandleHistory, previousTradingDay } from './market/candles';
import { InstrumentStore, buildInstruments } from './market/instruments';
import { Market } from './market/market';
import { MatchingEngine } from './matching/engine';
import { GttBook } from './matching/gtt';
import { resolveOptions, type SimulatorOptions } from './options';
import { RateLimiter } from './rate-limits';
import { OrderUpdateServer } from './stream/order-updates';
import { SmartStreamServer } from './stream/smart-stream';

export { SIM_DEFAULTS, type SimulatorOptions } from './options';
export type { CallFaultInput, CallFaultKind, FaultController } from './faults';
export type { OrderTagEntry } from './context';
export {
  encodeFrame,
  frameData,
  FRAME_LENGTH,
  EXCHANGE_TYPE,
  type StreamFrameData,
  type StreamMode,
} from './stream/encoder';

/** Market controls for tests: move a price, stall or resume the feed, or step the walk by hand. */
export interface MarketControl {
  setPrice(token: string, pricePaise: number): void;
  pause(): void;
  resume(): void;
  step(): void;
  ltp(token: string): number | undefined;
  readonly market: Market;
}

export interface SimulatorHandle {
  /** REST root to use as the SmartAPI base URL, e.g. `http://127.0.0.1:8100`. */
  restUrl: string;
  streamUrl: string;
  orderUpdateUrl: string;
  scripMasterUrl: string;
  port: number;
  credentials: SimCredentials;
  /** The matching engine, for tests that inspect orders, trades, positions and funds. */
  exchange: MatchingEngine;
  sessions: SessionStore;
  faults: FaultController;
  market: MarketControl;
  /** Every placeOrder that reached the routes, in arrival order. */
  orderTagLog: readonly OrderTagEntry[];
  close(): Promise<void>;
}

/**
 * Starts the SmartAPI-compatible simulator: REST, SmartStream and the order-update stream on one
 * port, a seeded market ticking every `tickIntervalMs` (0 disables the timer; tests then call
 * `market.step()`), and a matching engine behind them.
 */
export async function startSimulator(partial: Partial<SimulatorOptions> = {}): Promise<SimulatorHandle> {
  const options = resolveOptions(partial);
  const clock = options.clock;
  const instruments = new InstrumentStore(buildInstruments(options.seed, clock.now()));
  const candles = new CandleHistory(options.seed);
  const yesterday = previousTradingDay(clock.now());
  const market = new Market(instruments, {
    seed: options.seed,
    clock,
    marketHours: options.marketHours,
    previousClose: (i) => candles.dayClose(i, yesterday),
  });
  const engine = new MatchingEngine({
    instruments,
    market,
    clock,
    startingCashPaise: options.startingCashPaise,
    initialHoldings: options.initialHoldings,
  });
  const credentials: SimCredentials = {
    clientCode: options.clientCode,
    pin: options.pin,
    totpSecret: options.totpSecret,
    apiKey: options.apiKey,
  };
  const faults = new FaultController(options.faults);
  faults.orderUpdateDelayMs = options.orderUpdateDelayMs;
  const ctx: SimContext = {
    options,
    clock,
    instruments,
    market,
    candles,
    engine,
    gtt: new GttBook(clock, market, engine),
    sessions: new SessionStore(credentials, clock),
    rateLimiter: new RateLimiter(clock),
    faults,
    orderTagLog: [],
  };

  const http = new SimHttpServer(ctx);
  const stream = new SmartStreamServer(ctx);
  const updates = new OrderUpdateServer(ctx);
  http.routes([
    ...sessionRoutes(),
    ...orderRoutes(),
    ...marketRoutes(),
    ...gttRoutes(),
    ...adminRoutes(() => ({
      streams: { smartStream: stream.connectionCount, orderUpdates: updates.connectionCount },
    })),
  ]);
  http.upgrade('/smart-stream', (req, socket, head) => stream.handleUpgrade(req, socket, head));
  http.upgrade('/smart-order-update', (req, socket, head) => updates.handleUpgrade(req, socket, head));
  faults.attach({
    dropSockets: () => stream.dropAll() + updates.dropAll(),
    stallFeed: (stalled) => (stalled ? market.pause() : market.resume()),
    feedStalled: () => market.isPaused,
  });

  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(options.port, options.host, () => {
      http.server.off('error', reject);
      resolve();
    });
  });
  const timer = options.tickIntervalMs > 0 ? setInterval(() => market.step(), options.tickIntervalMs) : null;
  timer?.unref();

  const port = (http.server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closed = false;
  return {
    restUrl: `http://${host}:${port}`,
    streamUrl: `ws://${host}:${port}/smart-stream`,
    orderUpdateUrl: `ws://${host}:${port}/smart-order-update`,
    scripMasterUrl: `http://${host}:${port}/OpenAPI_File/files/OpenAPIScripMaster.json`,
    port,
    credentials,
    exchange: engine,
    sessions: ctx.sessions,
    faults,
    market: {
      market,
      setPrice: (token, paise) => void market.setPrice(token, paise),
      pause: () => market.pause(),
      resume: () => market.resume(),
      step: () => void market.step(),
      ltp: (token) => market.state(token)?.ltp,
    },
    orderTagLog: ctx.orderTagLog,
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      stream.close();
      updates.close();
      await http.close();
    },
  };
}
