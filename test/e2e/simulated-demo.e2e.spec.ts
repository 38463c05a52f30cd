import type { Candle } from '../../src/domain/market';
import { CandleStore } from '../../src/market-data/storage/candle-store';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, type TestApp } from '../support/app';

/**
 * The newcomer's path: simulated mode with every role in one process and the always-open embedded
 * simulator. The demo SMA crossover is created on the first start, warms up from the simulator's candle
 * history, trades on live candles at any hour, and its signals, orders, position and P&L show through
 * the API. The test holds the simulator's prices still and makes one crossover happen on purpose, so
 * the outcome does not depend on the random walk; it still waits for a real 1-minute candle to close.
 */

const MINUTE = 60_000;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await sleep(250);
  }
}

interface StrategyRow {
  id: string;
  name: string;
  isDemo: boolean;
  status: string;
  symbols: string[];
  timeframe: string;
  params: { fast: number; slow: number };
  metrics: { signals: number; signalsSent: number; lastSignalAt: string | null; charges?: string } | null;
}
interface OrderRow {
  symbol: string;
  side: string;
  status: string;
  filledQuantity: number;
  averagePrice: string | null;
  strategyId: string | null;
}
interface PositionRow {
  symbol: string;
  quantity: number;
  averagePrice: string;
  lastPrice: string;
  unrealisedPnl: string;
}
interface PnlBody {
  total: { realised: string; unrealised: string; charges: string; net: string };
  byStrategy: Record<string, string>;
}

describe('the demo strategy trades on its own in simulated mode at any hour (e2e)', () => {
  let t: TestApp;
  let sim: SimulatorHandle;
  let admin: string;
  let hold: NodeJS.Timeout | undefined;
  const started = Date.now();
  /** token -> the price the test holds it at (the random walk is paused). */
  const held = new Map<string, number>();
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLES: 'api,worker,feed',
      DEMO_STRATEGY: 'true',
      SIM_TICK_INTERVAL_MS: '20',
    });
    sim = t.config.embeddedSimulator as unknown as SimulatorHandle;
    // From here on only the test moves prices; a trade every 500 ms keeps every instrument fresh.
    sim.market.pause();
    admin = (await t.login()).accessToken;
    for (const symbol of t.config.watchlist) {
      const res = await t.http().get(`/api/v1/instruments/${symbol}`).set(bearer(admin)).expect(200);
      const token = (res.body as { token: string }).token;
      tokens.set(symbol, token);
      held.set(token, sim.market.ltp(token)!);
    }
    hold = setInterval(() => {
      for (const [token, price] of held) sim.market.setPrice(token, price);
    }, 500);
  });

  afterAll(async () => {
    if (hold) clearInterval(hold);
    await t?.close();
  });

  it('warms up from history, signals on a crossover, fills, and reports the position and P&L', async () => {
    const http = () => t.http();
    const get = async <T>(path: string): Promise<T> =>
      (await http().get(path).set(bearer(admin)).expect(200)).body as T;

    // 1. The demo instance exists and runs: SMA crossover on the watchlist, 1-minute candles.
    const demo = (
      await eventually(
        () => get<StrategyRow[]>('/api/v1/strategies'),
        (rows) => rows.some((r) => r.isDemo && r.status === 'RUNNING'),
        20_000,
      )
    ).find((r) => r.isDemo);
    expect(demo).toMatchObject({ status: 'RUNNING', timeframe: '1m', symbols: t.config.watchlist });
    const id = demo!.id;

    // 2. Its warm-up came from the simulator's candle history (stored for charts and restarts), not
    //    from minutes of waiting: 1-minute candles from before this process started are in the store.
    const store = t.app.get(CandleStore, { strict: false });
    const history = await store.range(
      t.config.watchlist[0],
      '1m',
      started - 10 * 86_400_000,
      started - MINUTE,
      10_000,
    );
    expect(history.length).toBeGreaterThanOrEqual(demo!.params.slow + 1);

    // 3. Make the next crossover certain on an instrument the demo does not hold: recent closes flat at
    //    P with the last one lower (fast below slow), restart the instance so it warms up on them, then
    //    trade at P + 3% so the candle closing at the next minute crosses fast above slow.
    const positions = await get<PositionRow[]>('/api/v1/portfolio/positions');
    const symbol = t.config.watchlist.find(
      (s) => !positions.some((p) => p.symbol === s && p.quantity !== 0),
    )!;
    expect(symbol).toBeDefined();
    const token = tokens.get(symbol)!;
    const p = held.get(token)!;
    const tick = 5;
    const round = (v: number) => Math.round(v / tick) * tick;
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const flat: Candle[] = [];
    for (let i = 25; i >= 1; i--) {
      const close = i === 1 ? round(p * 0.99) : p;
      flat.push({
        symbol,
        interval: '1m',
        start: minute - i * MINUTE,
        openPaise: p,
        highPaise: p,
        lowPaise: close,
        closePaise: close,
        volume: 100,
        closed: true,
      });
    }
    await store.save(flat, 'import', 'overwrite');
    await http().post(`/api/v1/strategies/${id}/stop`).set(bearer(admin)).expect(200);
    await eventually(
      () => get<StrategyRow>(`/api/v1/strategies/${id}`),
      (r) => r.status === 'STOPPED',
      10_000,
    );
    await http().post(`/api/v1/strategies/${id}/start`).set(bearer(admin)).expect(200);
    const restarted = await eventually(
      () => get<StrategyRow>(`/api/v1/strategies/${id}`),
      (r) => r.status === 'RUNNING',
      10_000,
    );
    expect(restarted.status).toBe('RUNNING');
    const high = round(p * 1.03);
    held.set(token, high);
    sim.market.setPrice(token, high);

    // 4. At the minute's close the demo signals a BUY, the executor sizes it, risk passes it (at any hour:
    //    the market is always open and there is no intraday cutoff), and the simulator fills it.
    const orders = await eventually(
      async () =>
        (
          await get<{ items: OrderRow[] }>(
            `/api/v1/orders?strategy=${id}&symbol=${encodeURIComponent(symbol)}`,
          )
        ).items,
      (items) => items.some((o) => o.status === 'FILLED'),
      140_000,
    );
    const filled = orders.find((o) => o.status === 'FILLED');
    expect(filled).toMatchObject({ symbol, side: 'BUY', strategyId: id });
    expect(filled!.filledQuantity).toBeGreaterThan(0);
    // A market buy lifts the simulator's offers, a tick or a few above the last trade.
    const paid = Math.round(Number(filled!.averagePrice) * 100);
    expect(paid).toBeGreaterThanOrEqual(high);
    expect(paid).toBeLessThanOrEqual(high * 1.01);

    const after = await eventually(
      () => get<StrategyRow>(`/api/v1/strategies/${id}`),
      (r) => (r.metrics?.signalsSent ?? 0) >= 1,
      10_000,
    );
    expect(after.status).toBe('RUNNING');
    expect(after.metrics).toMatchObject({ signals: expect.any(Number), signalsSent: expect.any(Number) });
    expect(after.metrics!.signals).toBeGreaterThanOrEqual(1);
    expect(after.metrics!.lastSignalAt).not.toBeNull();

    // 5. The position and its P&L: move the price up 2% and the unrealised P&L follows it exactly.
    const position = (
      await eventually(
        () => get<PositionRow[]>('/api/v1/portfolio/positions'),
        (rows) => rows.some((r) => r.symbol === symbol && r.quantity > 0),
        10_000,
      )
    ).find((r) => r.symbol === symbol)!;
    expect(position.quantity).toBe(filled!.filledQuantity);
    const up = round(high * 1.02);
    held.set(token, up);
    sim.market.setPrice(token, up);
    const expected = ((up - Number(position.averagePrice) * 100) * position.quantity) / 100;
    expect(expected).toBeGreaterThan(0);
    const marked = (
      await eventually(
        () => get<PositionRow[]>('/api/v1/portfolio/positions'),
        (rows) => rows.some((r) => r.symbol === symbol && Number(r.lastPrice) * 100 === up),
        10_000,
      )
    ).find((r) => r.symbol === symbol)!;
    expect(Number(marked.unrealisedPnl)).toBeCloseTo(expected, 1);
    const pnl = await get<PnlBody>('/api/v1/portfolio/pnl');
    expect(Number(pnl.total.charges)).toBeGreaterThan(0);
    expect(Number(pnl.total.unrealised)).not.toBe(0);
    expect(Object.keys(pnl.byStrategy)).toContain(id);
    // The instance's own metrics carry the charges the portfolio booked on its fills.
    const charged = await eventually(
      () => get<StrategyRow>(`/api/v1/strategies/${id}`),
      (r) => Number(r.metrics?.charges ?? 0) > 0,
      10_000,
    );
    expect(Number(charged.metrics!.charges)).toBeCloseTo(Number(pnl.total.charges), 2);

    // 6. Readiness: 200 with the feed up and the market open, whatever the hour in Mumbai.
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body.details['market-feed']).toMatchObject({
      status: 'up',
      marketOpen: true,
      staleCount: 0,
    });
  }, 180_000);
});
