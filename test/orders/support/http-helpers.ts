import type { TestApp } from '../../support/app';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Polls `probe` until `ok` holds or `ms` pass, then returns the last value (the assertion follows). */
export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface OrderBody {
  id: string;
  status: string;
  quantity: number;
  filledQuantity: number;
  averagePrice: string;
  reasonCode: string | null;
  symbol: string;
  routing: Record<string, unknown> | null;
  events?: { type: string; toStatus: string | null }[];
  slices?: OrderBody[];
  aggregate?: { status: string; quantity: number; filledQuantity: number; averagePrice: string };
}

/** The simulator's market controls and order log, as the embedded simulator exposes them. */
export interface EmbeddedSim {
  market: { setPrice(token: string, pricePaise: number): void; ltp(token: string): number | undefined };
  orderTagLog: readonly { tag: string; body?: Record<string, unknown> }[];
}

export function sim(t: TestApp): EmbeddedSim {
  return t.config.embeddedSimulator as unknown as EmbeddedSim;
}

export function api(t: TestApp, token: string) {
  return {
    place: (body: Record<string, unknown>) => t.http().post('/api/v1/orders').set(bearer(token)).send(body),
    order: async (id: string) =>
      (await t.http().get(`/api/v1/orders/${id}`).set(bearer(token)).expect(200)).body as OrderBody,
    positions: async () =>
      (await t.http().get('/api/v1/portfolio/positions').set(bearer(token)).expect(200)).body as {
        symbol: string;
        quantity: number;
      }[],
    riskState: async () =>
      ((await t.http().get('/api/v1/risk/status').set(bearer(token))).body as { state: string }).state,
    killSwitch: (body: Record<string, unknown>) =>
      t.http().post('/api/v1/risk/kill-switch').set(bearer(token)).send(body),
  };
}

/** Waits until trading opens (the startup reconciliation passed) and a tick has priced `symbol`. */
export async function waitTradable(t: TestApp, token: string, symbol: string): Promise<void> {
  const a = api(t, token);
  const state = await eventually(
    () => a.riskState(),
    (s) => s === 'ACTIVE',
    15_000,
  );
  if (state !== 'ACTIVE') throw new Error(`trading never became ACTIVE (${state})`);
  // The stream's tick (with depth) in the cache: the risk engine and the router price from it.
  const depth = await eventually(
    async () =>
      (
        (await t.http().get(`/api/v1/market/depth?symbol=${symbol}`).set(bearer(token))).body as {
          bids?: unknown[];
        }
      ).bids?.length ?? 0,
    (n) => n > 0,
    10_000,
  );
  if (depth === 0) throw new Error(`no streamed depth for ${symbol}`);
}
