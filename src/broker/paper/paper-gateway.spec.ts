import type { OrderUpdate, PlaceOrderRequest } from '@/broker/broker.types';
import { BrokerError } from '@/broker/broker.errors';
import { ManualClock } from '@/common/clock';
import { PaperGateway, type PaperGatewayOptions } from './paper-gateway';
import { depthTick, FakeMarketGateway, ltpTick, SBIN } from './testing/fake-market-gateway';

const T0 = Date.UTC(2026, 0, 5, 4, 0, 0); // 09:30 IST
const flush = () => new Promise((r) => setImmediate(r));
let tagSeq = 0;

function setup(opts: Partial<PaperGatewayOptions> = {}) {
  const inner = new FakeMarketGateway();
  const clock = new ManualClock(T0);
  const gw = new PaperGateway({ inner, clock, capitalPaise: 10_00_000_00, ...opts });
  const updates: OrderUpdate[] = [];
  gw.onOrderUpdate((u) => updates.push(u));
  const order = (o: Partial<PlaceOrderRequest>): PlaceOrderRequest => ({
    tag: `t${++tagSeq}`,
    instrument: SBIN,
    side: 'BUY',
    quantity: 10,
    type: 'MARKET',
    product: 'INTRADAY',
    validity: 'DAY',
    ...o,
  });
  const book = async (id: string) => (await gw.orderBook()).find((o) => o.brokerOrderId === id)!;
  return { inner, clock, gw, updates, order, book };
}

describe('PaperGateway fills against the depth, never at the LTP', () => {
  it('a market buy walks the asks for size and averages the levels it took', async () => {
    const { inner, gw, order, book } = setup();
    inner.push(
      depthTick(
        T0,
        9990,
        [[9985, 50]],
        [
          [10000, 10],
          [10005, 20],
          [10010, 100],
        ],
      ),
    );
    const ack = await gw.placeOrder(order({ quantity: 25 }));
    const o = await book(ack.brokerOrderId);
    expect(o).toMatchObject({ status: 'COMPLETE', filledQuantity: 25, pendingQuantity: 0 });
    // (10 x 100.00 + 15 x 100.05) / 25 = 100.03
    expect(o.averagePricePaise).toBe(10003);
    expect((await gw.tradeBook()).map((t) => [t.quantity, t.pricePaise])).toEqual([
      [10, 10000],
      [15, 10005],
    ]);
  });

  it('a market sell takes the bids, best first', async () => {
    const { inner, gw, order, book } = setup();
    inner.push(
      depthTick(
        T0,
        10050,
        [
          [10000, 5],
          [9995, 100],
        ],
        [[10005, 50]],
      ),
    );
    const ack = await gw.placeOrder(order({ side: 'SELL', quantity: 8 }));
    const o = await book(ack.brokerOrderId);
    expect(o.status).toBe('COMPLETE');
    expect((await gw.tradeBook()).map((t) => [t.quantity, t.pricePaise])).toEqual([
      [5, 10000],
      [3, 9995],
    ]);
  });

  it('thin depth fills partly; the rest fills from the next snapshot (DAY) or is cancelled (IOC)', async () => {
    const { inner, clock, gw, order, book } = setup();
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 4]]));
    const day = await gw.placeOrder(order({ quantity: 10 }));
    expect(await book(day.brokerOrderId)).toMatchObject({
      status: 'OPEN',
      filledQuantity: 4,
      pendingQuantity: 6,
    });
    const ioc = await gw.placeOrder(order({ quantity: 5, validity: 'IOC' }));
    // The DAY order already took the 4 shown at 100.00: nothing is left in this snapshot for the IOC.
    expect(await book(ioc.brokerOrderId)).toMatchObject({
      status: 'CANCELLED',
      filledQuantity: 0,
      cancelledQuantity: 5,
    });
    clock.advance(1000);
    inner.push(depthTick(clock.now(), 10000, [[9995, 10]], [[10010, 100]]));
    const done = await book(day.brokerOrderId);
    expect(done).toMatchObject({ status: 'COMPLETE', filledQuantity: 10 });
    expect(done.averagePricePaise).toBe(Math.round((4 * 10000 + 6 * 10010) / 10));
  });

  it('a market order without a fresh quote waits for a depth tick, and the instrument is held in SNAP mode', async () => {
    const { inner, clock, gw, order, book } = setup({ maxQuoteAgeMs: 5000 });
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 10]]));
    clock.advance(6000);
    const ack = await gw.placeOrder(order({ quantity: 5 }));
    expect((await book(ack.brokerOrderId)).status).toBe('OPEN');
    expect(inner.subscribed.get(SBIN.token)).toBe('SNAP');
    inner.push(ltpTick(clock.now(), 9000));
    expect((await book(ack.brokerOrderId)).filledQuantity).toBe(0);
    inner.push(depthTick(clock.now(), 10020, [[10015, 10]], [[10025, 10]]));
    expect(await book(ack.brokerOrderId)).toMatchObject({ status: 'COMPLETE', averagePricePaise: 10025 });
    expect(inner.subscribed.has(SBIN.token)).toBe(false);
  });

  it('slippage ticks move market fills further against the order', async () => {
    const { inner, gw, order, book } = setup({
      fill: { slippageTicks: 2 },
      instrumentSpec: () => ({ lotSize: 1, tickSizePaise: 5 }),
    });
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 10]]));
    const buy = await gw.placeOrder(order({ quantity: 1 }));
    const sell = await gw.placeOrder(order({ side: 'SELL', quantity: 1 }));
    expect((await book(buy.brokerOrderId)).averagePricePaise).toBe(10010);
    expect((await book(sell.brokerOrderId)).averagePricePaise).toBe(9985);
  });

  it('fills come in whole lots, and a quantity off the lot is refused before anything is placed', async () => {
    const { inner, gw, order, book } = setup({ instrumentSpec: () => ({ lotSize: 25, tickSizePaise: 5 }) });
    inner.push(depthTick(T0, 10000, [[9995, 100]], [[10000, 60]]));
    const ack = await gw.placeOrder(order({ quantity: 75 }));
    expect(await book(ack.brokerOrderId)).toMatchObject({ filledQuantity: 50, pendingQuantity: 25 });
    await expect(gw.placeOrder(order({ quantity: 30 }))).rejects.toMatchObject({ kind: 'rejected' });
    expect(await gw.orderBook()).toHaveLength(1);
  });

  it('depth share caps what one order takes from each level', async () => {
    const { inner, gw, order, book } = setup({ fill: { maxDepthShare: 0.5 } });
    inner.push(
      depthTick(
        T0,
        10000,
        [[9995, 100]],
        [
          [10000, 10],
          [10005, 10],
        ],
      ),
    );
    const ack = await gw.placeOrder(order({ quantity: 20 }));
    expect(await book(ack.brokerOrderId)).toMatchObject({ filledQuantity: 10, status: 'OPEN' });
    expect((await gw.tradeBook()).map((t) => t.quantity)).toEqual([5, 5]);
  });
});

describe('PaperGateway limit and stop orders', () => {
  it('a marketable buy limit takes asks only up to its price, at the level prices', async () => {
    const { inner, gw, order, book } = setup();
    inner.push(
      depthTick(
        T0,
        10000,
        [[9995, 10]],
        [
          [10000, 5],
          [10005, 5],
          [10010, 5],
        ],
      ),
    );
    const ack = await gw.placeOrder(order({ type: 'LIMIT', pricePaise: 10005, quantity: 12 }));
    expect(await book(ack.brokerOrderId)).toMatchObject({
      status: 'OPEN',
      filledQuantity: 10,
      pendingQuantity: 2,
    });
    expect((await gw.tradeBook()).map((t) => t.pricePaise)).toEqual([10000, 10005]);
  });

  it('a resting limit waits until the quote crosses it (an LTP at the limit is not enough) and fills at its own price', async () => {
    const { inner, clock, gw, order, book } = setup();
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 10]]));
    const ack = await gw.placeOrder(order({ type: 'LIMIT', pricePaise: 9950, quantity: 5 }));
    expect((await book(ack.brokerOrderId)).status).toBe('OPEN');
    clock.advance(1000);
    inner.push(depthTick(clock.now(), 9950, [[9945, 10]], [[9955, 10]]));
    expect((await book(ack.brokerOrderId)).filledQuantity).toBe(0);
    clock.advance(1000);
    inner.push(depthTick(clock.now(), 9930, [[9925, 10]], [[9930, 10]]));
    expect(await book(ack.brokerOrderId)).toMatchObject({ status: 'COMPLETE', averagePricePaise: 9950 });
  });

  it('a sell SL-M triggers when the LTP falls to the trigger and then sells at the bid', async () => {
    const { inner, clock, gw, order, book, updates } = setup();
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 10]]));
    const ack = await gw.placeOrder(
      order({ side: 'SELL', type: 'SL-M', triggerPricePaise: 9900, quantity: 5 }),
    );
    expect((await book(ack.brokerOrderId)).status).toBe('TRIGGER_PENDING');
    clock.advance(1000);
    inner.push(depthTick(clock.now(), 9905, [[9900, 10]], [[9910, 10]]));
    expect((await book(ack.brokerOrderId)).status).toBe('TRIGGER_PENDING');
    clock.advance(1000);
    inner.push(
      depthTick(
        clock.now(),
        9890,
        [
          [9880, 3],
          [9875, 10],
        ],
        [[9895, 10]],
      ),
    );
    const o = await book(ack.brokerOrderId);
    expect(o.status).toBe('COMPLETE');
    expect(o.averagePricePaise).toBe(Math.round((3 * 9880 + 2 * 9875) / 5));
    await flush();
    expect(updates.map((u) => [u.order.status, u.eventCode])).toEqual([
      ['PENDING', 'AB09'],
      ['TRIGGER_PENDING', 'AB10'],
      ['OPEN', 'AB01'],
      ['OPEN', 'AB01'],
      ['COMPLETE', 'AB05'],
    ]);
  });

  it('a buy SL becomes a limit at its price once triggered, and does not chase above it', async () => {
    const { inner, clock, gw, order, book } = setup();
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 10]]));
    const ack = await gw.placeOrder(
      order({ type: 'SL', triggerPricePaise: 10100, pricePaise: 10110, quantity: 10 }),
    );
    clock.advance(1000);
    inner.push(
      depthTick(
        clock.now(),
        10100,
        [[10095, 10]],
        [
          [10105, 4],
          [10115, 50],
        ],
      ),
    );
    expect(await book(ack.brokerOrderId)).toMatchObject({
      status: 'OPEN',
      filledQuantity: 4,
      averagePricePaise: 10105,
    });
  });

  it('refuses stops whose trigger is already crossed and stop-limits with the trigger on the wrong side', async () => {
    const { inner, gw, order } = setup();
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 10]]));
    await expect(
      gw.placeOrder(order({ side: 'SELL', type: 'SL-M', triggerPricePaise: 10010 })),
    ).rejects.toThrow(/already crossed/);
    await expect(
      gw.placeOrder(order({ side: 'BUY', type: 'SL', triggerPricePaise: 10200, pricePaise: 10100 })),
    ).rejects.toThrow(/trigger <= price/);
    await expect(gw.placeOrder(order({ type: 'LIMIT' }))).rejects.toBeInstanceOf(BrokerError);
    await expect(gw.placeOrder(order({ tag: 'x'.repeat(20) }))).rejects.toMatchObject({ code: 'AB4008' });
    expect(await gw.orderBook()).toEqual([]);
  });
});

describe('PaperGateway cancel, modify, updates and the account', () => {
  it('cancel ends a working order with its remainder cancelled; a finished order cannot be cancelled', async () => {
    const { inner, gw, order, book, updates } = setup();
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 3]]));
    const ack = await gw.placeOrder(order({ type: 'LIMIT', pricePaise: 10000, quantity: 10 }));
    await gw.cancelOrder(ack.brokerOrderId);
    expect(await book(ack.brokerOrderId)).toMatchObject({
      status: 'CANCELLED',
      filledQuantity: 3,
      cancelledQuantity: 7,
    });
    await expect(gw.cancelOrder(ack.brokerOrderId)).rejects.toMatchObject({ kind: 'rejected' });
    await expect(gw.cancelOrder('nope')).rejects.toMatchObject({ kind: 'rejected' });
    expect(inner.subscribed.has(SBIN.token)).toBe(false);
    await flush();
    expect(updates.at(-1)).toMatchObject({
      eventCode: 'AB02',
      source: 'stream',
      order: { status: 'CANCELLED' },
    });
  });

  it('modify re-prices a resting limit, which then fills against the current quote', async () => {
    const { inner, gw, order, book, updates } = setup();
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 10]]));
    const ack = await gw.placeOrder(order({ type: 'LIMIT', pricePaise: 9900, quantity: 5 }));
    await gw.modifyOrder({
      brokerOrderId: ack.brokerOrderId,
      instrument: SBIN,
      quantity: 6,
      type: 'LIMIT',
      product: 'INTRADAY',
      validity: 'DAY',
      pricePaise: 10000,
    });
    expect(await book(ack.brokerOrderId)).toMatchObject({
      status: 'COMPLETE',
      quantity: 6,
      averagePricePaise: 10000,
    });
    await flush();
    expect(updates.some((u) => u.eventCode === 'AB04')).toBe(true);
  });

  it('updates arrive after the acknowledgement, in order, each a snapshot of that moment', async () => {
    const { inner, gw, order, updates } = setup();
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 10]]));
    const ack = await gw.placeOrder(order({ quantity: 5, tag: 'ack-first' }));
    expect(updates).toEqual([]);
    await flush();
    expect(updates.map((u) => u.order.status)).toEqual(['PENDING', 'OPEN', 'COMPLETE']);
    expect(
      updates.every((u) => u.order.brokerOrderId === ack.brokerOrderId && u.order.tag === 'ack-first'),
    ).toBe(true);
    expect(updates[1].order.filledQuantity).toBe(0);
    expect((await gw.findOrderByTag('ack-first'))?.brokerOrderId).toBe(ack.brokerOrderId);
    expect(await gw.findOrderByTag('missing')).toBeNull();
  });

  it('positions, trade book and funds follow average-cost accounting in paise', async () => {
    const { inner, clock, gw, order } = setup({ capitalPaise: 50_000_00 });
    inner.push(depthTick(T0, 10000, [[9995, 100]], [[10000, 100]]));
    await gw.placeOrder(order({ quantity: 10 }));
    clock.advance(60_000);
    inner.push(depthTick(clock.now(), 11000, [[11000, 100]], [[11005, 100]]));
    await gw.placeOrder(order({ side: 'SELL', quantity: 4 }));
    const [pos] = await gw.positions();
    expect(pos).toMatchObject({
      symbol: SBIN.symbol,
      netQuantity: 6,
      buyQuantity: 10,
      sellQuantity: 4,
      buyAveragePaise: 10000,
      sellAveragePaise: 11000,
      netPricePaise: 10000,
    });
    const funds = await gw.funds();
    // realised (110 - 100) x 4 = 40; unrealised (110 - 100) x 6 = 60; margin held 6 x 100 = 600.
    expect(funds).toMatchObject({
      m2mRealisedPaise: 40_00,
      m2mUnrealisedPaise: 60_00,
      availableCashPaise: 50_040_00,
      netPaise: 50_100_00,
      utilisedPaise: 600_00,
      availableMarginPaise: 49_440_00,
    });
    expect((await gw.tradeBook())[1]).toMatchObject({ side: 'SELL', fillTime: '09:31:00' });
    expect(await gw.holdings()).toEqual([]);
  });

  it('an order the paper capital cannot cover is acknowledged and then rejected, like an RMS refusal', async () => {
    const { inner, gw, order, book, updates } = setup({ capitalPaise: 500_00 });
    inner.push(depthTick(T0, 10000, [[9995, 100]], [[10000, 100]]));
    const ack = await gw.placeOrder(order({ quantity: 6 }));
    expect(await book(ack.brokerOrderId)).toMatchObject({ status: 'REJECTED', filledQuantity: 0 });
    await flush();
    expect(updates.at(-1)).toMatchObject({
      eventCode: 'AB03',
      order: { message: expect.stringMatching(/insufficient/) },
    });
    const fits = await gw.placeOrder(order({ quantity: 5 }));
    expect((await book(fits.brokerOrderId)).status).toBe('COMPLETE');
  });

  it('keeps a worked instrument in SNAP despite a caller downgrading or unsubscribing, then restores the caller', async () => {
    const { inner, clock, gw, order } = setup();
    gw.subscribeTicks([{ instrument: SBIN, mode: 'LTP' }]);
    expect(inner.subscribed.get(SBIN.token)).toBe('LTP');
    inner.push(depthTick(T0, 10000, [[9995, 10]], [[10000, 10]]));
    const ack = await gw.placeOrder(order({ type: 'LIMIT', pricePaise: 9000 }));
    expect(inner.subscribed.get(SBIN.token)).toBe('SNAP');
    gw.subscribeTicks([{ instrument: SBIN, mode: 'QUOTE' }]);
    expect(inner.subscribed.get(SBIN.token)).toBe('SNAP');
    gw.unsubscribeTicks([{ instrument: SBIN, mode: 'QUOTE' }]);
    expect(inner.subscribed.get(SBIN.token)).toBe('SNAP');
    gw.subscribeTicks([{ instrument: SBIN, mode: 'LTP' }]);
    clock.advance(1000);
    await gw.cancelOrder(ack.brokerOrderId);
    expect(inner.subscribed.get(SBIN.token)).toBe('LTP');
  });

  it('market data and the session come from the wrapped gateway', async () => {
    const { inner, gw } = setup();
    await gw.connect();
    expect(await gw.quotes([SBIN])).toEqual([expect.objectContaining({ ltpPaise: 12345 })]);
    expect((await gw.profile()).clientCode).toBe('REAL01');
    expect(gw.sessionStatus().state).toBe('CONNECTED');
    const seen: number[] = [];
    gw.onTick((t) => seen.push(t.ltpPaise));
    inner.push(ltpTick(T0, 777));
    expect(seen).toEqual([777]);
    await gw.disconnect();
    expect(inner.calls).toEqual(['connect', 'quotes', 'disconnect']);
  });
});
