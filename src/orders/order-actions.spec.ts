import { BrokerError } from '@/broker/broker.errors';
import { ManualClock } from '@/common/clock';
import type { Instrument } from '@/domain/market';
import type { OrderEntity } from './entities/order.entity';
import { OrderActions } from './order-actions';
import { applyOrderInput, type OrderInput } from './order-state';
import type { OrderStore } from './order.store';
import { BROKER_SEND_WINDOW_MS, BROKER_WRITE_LIMIT_PER_SEC, SlidingWindowLimiter } from './rate-limiter';

const SBIN: Instrument = {
  symbol: 'NSE:SBIN-EQ',
  exchange: 'NSE',
  tradingSymbol: 'SBIN-EQ',
  token: '3045',
  name: 'SBIN',
  instrumentType: 'EQ',
  expiry: null,
  strikePaise: null,
  optionType: null,
  lotSize: 1,
  tickSizePaise: 5,
};

/** The store's `apply` on the real state machine, in memory. */
class MemoryStore {
  readonly rows = new Map<string, OrderEntity>();
  readonly events: { id: string; type: string }[] = [];
  async findById(id: string) {
    const o = this.rows.get(id);
    return o ? { ...o } : null;
  }
  async apply(id: string, input: OrderInput, _source: string, _now: number, opts: { patch?: object } = {}) {
    const o = this.rows.get(id)!;
    const step = applyOrderInput(
      { status: o.status, quantity: o.quantity, filledQty: o.filledQuantity, avgPricePaise: o.avgPricePaise },
      input,
    );
    Object.assign(o, opts.patch ?? {}, { status: step.state.status, quantity: step.state.quantity });
    return { order: { ...o }, step };
  }
  async recordEvent(id: string, e: { type: string }) {
    this.events.push({ id, type: e.type });
  }
}

function order(id: string, over: Partial<OrderEntity> = {}): OrderEntity {
  return {
    id,
    status: 'OPEN',
    brokerOrderId: `B-${id}`,
    symbol: SBIN.symbol,
    side: 'BUY',
    type: 'LIMIT',
    product: 'INTRADAY',
    validity: 'DAY',
    quantity: 1,
    filledQuantity: 0,
    avgPricePaise: 0,
    pricePaise: 50_000,
    triggerPricePaise: null,
    stopLossPaise: null,
    takeProfitPaise: null,
    trailingStopPaise: null,
    routing: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    expiresAt: null,
    ...over,
  } as OrderEntity;
}

/** A clock whose sleepers wake only when the test advances it. */
function virtualTime() {
  const clock = new ManualClock(1_000_000);
  let sleepers: { at: number; wake: () => void }[] = [];
  const sleep = (ms: number) =>
    new Promise<void>((wake) => void sleepers.push({ at: clock.now() + ms, wake }));
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  const advance = async (ms: number) => {
    clock.advance(ms);
    const due = sleepers.filter((s) => s.at <= clock.now());
    sleepers = sleepers.filter((s) => s.at > clock.now());
    for (const s of due) s.wake();
    await settle();
  };
  return { clock, sleep, settle, advance };
}

function setup(opts: { cancelPerSec?: number; modifyPerSec?: number } = {}) {
  const t = virtualTime();
  const store = new MemoryStore();
  const sent: { kind: 'cancel' | 'modify'; id: string; at: number }[] = [];
  const broker = {
    cancelOrder: jest.fn(async (id: string) => {
      sent.push({ kind: 'cancel', id, at: t.clock.now() });
      return { brokerOrderId: id, uniqueOrderId: null };
    }),
    modifyOrder: jest.fn(async (req: { brokerOrderId: string }) => {
      sent.push({ kind: 'modify', id: req.brokerOrderId, at: t.clock.now() });
      return { brokerOrderId: req.brokerOrderId, uniqueOrderId: null };
    }),
  };
  // The placement limiter (ORDER_RATE_LIMIT_PER_SEC = 2) with its second already spent: a cancel or
  // modify that waited on it would not be sent until the virtual clock moved.
  const placement = new SlidingWindowLimiter(2, t.clock, t.sleep);
  const limiter = (perSec: number) =>
    new SlidingWindowLimiter(perSec, t.clock, t.sleep, BROKER_SEND_WINDOW_MS);
  const cancelLimiter = limiter(opts.cancelPerSec ?? BROKER_WRITE_LIMIT_PER_SEC);
  const modifyLimiter = limiter(opts.modifyPerSec ?? BROKER_WRITE_LIMIT_PER_SEC);
  const actions = new OrderActions({
    store: store as unknown as OrderStore,
    broker,
    instruments: { get: (s) => (s === SBIN.symbol ? SBIN : undefined) },
    clock: t.clock,
    cancelLimiter,
    modifyLimiter,
    sleep: t.sleep,
  });
  const add = (o: OrderEntity) => {
    store.rows.set(o.id, o);
    return o;
  };
  return { ...t, store, sent, broker, placement, cancelLimiter, modifyLimiter, actions, add };
}

describe('OrderActions: cancels and modifies on their own limiters', () => {
  it('sends 30 cancels at the broker cancel limit while the placement limiter is exhausted', async () => {
    const s = setup();
    await s.placement.acquire();
    await s.placement.acquire();
    let placed = false;
    void s.placement.acquire().then(() => (placed = true)); // a third placement waits for the next second
    const orders = Array.from({ length: 30 }, (_, i) => s.add(order(`o${i}`)));

    const done = s.actions.cancelMany(orders, 'RISK', 'halt');
    await s.settle();
    // Every cancel started at once; the broker's 20 went out without any time passing.
    expect(s.sent.filter((x) => x.kind === 'cancel')).toHaveLength(BROKER_WRITE_LIMIT_PER_SEC);
    expect(placed).toBe(false);
    await s.advance(BROKER_SEND_WINDOW_MS + 1);
    const result = await done;
    expect(result).toEqual({ cancelled: 0, pending: 30, failed: [] });
    expect(new Set(s.sent.map((x) => x.id)).size).toBe(30);
    // The ten left over went in the next broker window, never more than 20 in one.
    const first = s.sent[0].at;
    expect(s.sent.filter((x) => x.at - first < BROKER_SEND_WINDOW_MS)).toHaveLength(20);
    expect(s.store.events.filter((e) => e.type === 'CANCEL_SENT')).toHaveLength(30);
  });

  it('does not let modifies use up the cancel budget, nor cancels the modify budget', async () => {
    const s = setup({ modifyPerSec: 1 });
    const a = s.add(order('a'));
    const b = s.add(order('b'));
    await s.actions.modify(a, { pricePaise: 49_900 }, 'API');
    let modified = false;
    void s.actions.modify(b, { pricePaise: 49_900 }, 'API').then(() => (modified = true));
    await s.settle();
    expect(modified).toBe(false); // the modify limiter (1/s here) is spent
    const cancels = Array.from({ length: 20 }, (_, i) => s.add(order(`c${i}`)));
    await s.actions.cancelMany(cancels, 'API', 'user');
    expect(s.sent.filter((x) => x.kind === 'cancel')).toHaveLength(20);
    expect(modified).toBe(false);
    await s.advance(BROKER_SEND_WINDOW_MS + 1);
    expect(modified).toBe(true);
  });

  it('refuses to grow a slice past its freeze quantity (400 naming the field), before sending anything', async () => {
    const s = setup();
    const slice = s.add(
      order('s2', { leg: 'SLICE', quantity: 60, routing: { freezeQuantity: 900, slice: 2, of: 2 } }),
    );
    await expect(s.actions.modify(slice, { quantity: 930 }, 'API')).rejects.toMatchObject({
      httpStatus: 400,
      details: { field: 'quantity', freezeQuantity: 900 },
    });
    expect(s.broker.modifyOrder).not.toHaveBeenCalled();
    await s.actions.modify(slice, { quantity: 900 }, 'API');
    expect(s.broker.modifyOrder).toHaveBeenCalledTimes(1);
  });
});

describe('OrderActions.cancel refused on rate', () => {
  const rateAnswer = () =>
    new BrokerError('ambiguous', 'cancelOrder', 'broker rate limit exceeded', 'RATE_LIMIT', 403);

  it('sends the cancel again after a broker window when the broker answers "exceeding access rate"', async () => {
    const s = setup();
    s.broker.cancelOrder.mockRejectedValueOnce(rateAnswer());
    const o = s.add(order('a'));
    const done = s.actions.cancel(o, 'RISK', 'halt');
    await s.settle();
    expect(s.broker.cancelOrder).toHaveBeenCalledTimes(1);
    await s.advance(BROKER_SEND_WINDOW_MS);
    expect((await done).status).toBe('CANCEL_PENDING');
    expect(s.broker.cancelOrder).toHaveBeenCalledTimes(2);
    expect(s.store.events).toContainEqual({ id: 'a', type: 'CANCEL_SENT' });
  });

  it('does not resend on any other unclear outcome (a timeout stays CANCEL_PENDING for the stream to settle)', async () => {
    const s = setup();
    s.broker.cancelOrder.mockRejectedValueOnce(new BrokerError('ambiguous', 'cancelOrder', 'timed out'));
    const v = await s.actions.cancel(s.add(order('a')), 'RISK', 'halt');
    expect(v.status).toBe('CANCEL_PENDING');
    expect(s.broker.cancelOrder).toHaveBeenCalledTimes(1);
    expect(s.store.events).toEqual([]);
  });

  it('gives up after three refusals; refused by our own limiter (nothing sent) the order is live again', async () => {
    const s = setup();
    const local = () =>
      new BrokerError('rate_limited', 'cancelOrder', 'client-side rate limit: would wait 20000 ms');
    for (let i = 0; i < 3; i++) s.broker.cancelOrder.mockRejectedValueOnce(local());
    const done = s.actions.cancel(s.add(order('a')), 'RISK', 'halt');
    for (let i = 0; i < 3; i++) await s.advance(BROKER_SEND_WINDOW_MS);
    expect((await done).status).toBe('OPEN');
    expect(s.broker.cancelOrder).toHaveBeenCalledTimes(3);
  });
});

describe('OrderActions.cancelSlices', () => {
  it('cancels every live slice, leaves ended ones alone and does not resend a pending cancel', async () => {
    const s = setup();
    const slices = [
      s.add(order('p', { quantity: 900 })),
      s.add(order('q', { quantity: 900, status: 'PARTIALLY_FILLED', filledQuantity: 75 })),
      s.add(order('r', { quantity: 900, status: 'FILLED', filledQuantity: 900 })),
      s.add(order('u', { quantity: 900, status: 'CANCEL_PENDING' })),
      s.add(order('v', { quantity: 60, status: 'QUEUED', brokerOrderId: null })),
    ];
    await s.actions.cancelSlices(slices, 'API', 'user');
    expect(s.sent.map((x) => x.id).sort()).toEqual(['B-p', 'B-q']);
    expect([...s.store.rows.values()].map((o) => `${o.id}:${o.status}`)).toEqual([
      'p:CANCEL_PENDING',
      'q:CANCEL_PENDING',
      'r:FILLED',
      'u:CANCEL_PENDING',
      'v:CANCELLED', // never sent: cancelled before its placement
    ]);
  });

  it('answers 409 when no slice is live, and sends nothing', async () => {
    const s = setup();
    const slices = [
      s.add(order('p', { status: 'CANCELLED' })),
      s.add(order('q', { status: 'FILLED', filledQuantity: 1 })),
    ];
    await expect(s.actions.cancelSlices(slices, 'API', 'user')).rejects.toMatchObject({
      httpStatus: 409,
      code: 'ORDER_NOT_CANCELLABLE',
    });
    expect(s.broker.cancelOrder).not.toHaveBeenCalled();
  });

  it('cancels the slices it can and names, with a 409, the one whose placement is in flight', async () => {
    const s = setup();
    const slices = [
      s.add(order('p')),
      s.add(order('q', { status: 'SUBMITTING', brokerOrderId: null })),
      s.add(order('r')),
    ];
    const err = await s.actions.cancelSlices(slices, 'API', 'user').then(
      () => null,
      (e: { httpStatus: number; message: string; details: unknown }) => e,
    );
    expect(err).toMatchObject({
      httpStatus: 409,
      details: { reason: 'SLICES_NOT_CANCELLABLE', notCancelled: [expect.objectContaining({ id: 'q' })] },
    });
    expect(err!.message).toContain('q in SUBMITTING');
    expect(s.sent.map((x) => x.id).sort()).toEqual(['B-p', 'B-r']);
  });
});
