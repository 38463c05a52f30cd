import { randomUUID } from 'node:crypto';
import { getRepositoryToken } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { EventBus } from '../../src/common/event-bus';
import type { OrderView } from '../../src/orders/order-view';
import { PortfolioFillEntity } from '../../src/portfolio/entities/portfolio-fill.entity';
import { PortfolioService } from '../../src/portfolio/portfolio.service';
import { startTestApp, type TestApp } from '../support/app';

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Row {
  id: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  filledQuantity: number;
  pricePaise: number | null;
  triggerPricePaise: number | null;
  status: OrderView['status'];
  strategyId: string | null;
  updatedAt: Date;
}

/**
 * A split deployment's portfolio (it holds the open orders the risk engine counts as resting) after its
 * event bridge was cut off: orders another process placed, filled or cancelled meanwhile never arrived
 * as `orders.updated`; `bus.resynced` reads the open orders again from the orders table.
 */
describe('portfolio open orders rebuilt from the orders table after the event bridge reconnects (e2e)', () => {
  let t: TestApp;
  let bus: EventBus;
  let portfolio: PortfolioService;
  let db: DataSource;
  const userId = randomUUID();
  let seq = 0;
  const row = (r: Partial<Row>): Row => ({
    id: randomUUID(),
    symbol: 'NSE:RESYNCA-EQ',
    side: 'BUY',
    quantity: 10,
    filledQuantity: 0,
    pricePaise: 500_00,
    triggerPricePaise: null,
    status: 'OPEN',
    strategyId: null,
    updatedAt: new Date(Date.now() - 60_000),
    ...r,
  });
  /** What the process that owns the order writes (the orders table), its event lost on the way here. */
  const writeElsewhere = async (r: Row) => {
    seq++;
    await db.query(
      `INSERT INTO orders (id, user_id, client_order_id, ordertag, symbol, side, quantity, type, product,
                           validity, price_paise, trigger_price_paise, filled_quantity, status, strategy_id,
                           origin, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'LIMIT', 'INTRADAY', 'DAY', $8, $9, $10, $11, $12, 'API', $13)
       ON CONFLICT (id) DO UPDATE SET filled_quantity = EXCLUDED.filled_quantity, status = EXCLUDED.status,
                                      updated_at = EXCLUDED.updated_at`,
      [
        r.id,
        userId,
        `resync-${seq}-${r.id}`,
        `RS${seq}${Date.now() % 1e9}`,
        r.symbol,
        r.side,
        r.quantity,
        r.pricePaise,
        r.triggerPricePaise,
        r.filledQuantity,
        r.status,
        r.strategyId,
        r.updatedAt,
      ],
    );
  };
  const view = (r: Row): OrderView => ({
    id: r.id,
    userId,
    clientOrderId: `c-${r.id}`,
    ordertag: 'tag',
    brokerOrderId: null,
    symbol: r.symbol,
    side: r.side,
    quantity: r.quantity,
    type: 'LIMIT',
    product: 'INTRADAY',
    validity: 'DAY',
    price: r.pricePaise === null ? null : (r.pricePaise / 100).toFixed(2),
    triggerPrice: r.triggerPricePaise === null ? null : (r.triggerPricePaise / 100).toFixed(2),
    stopLoss: null,
    takeProfit: null,
    trailingStop: null,
    filledQuantity: r.filledQuantity,
    averagePrice: '0.00',
    status: r.status,
    reasonCode: null,
    reasonMessage: null,
    routing: null,
    strategyId: r.strategyId,
    origin: 'API',
    parentOrderId: null,
    leg: null,
    createdAt: r.updatedAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    expiresAt: null,
  });
  const resting = () =>
    Object.fromEntries(
      portfolio.view
        .openOrders()
        .filter((o) => o.symbol.startsWith('NSE:RESYNC'))
        .map((o) => [
          `${o.symbol} ${o.side}`,
          { qty: o.remainingQuantity, price: o.pricePaise, sid: o.strategyId },
        ]),
    );

  beforeAll(async () => {
    t = await startTestApp();
    bus = t.app.get(EventBus);
    portfolio = t.app.get(PortfolioService);
    db = t.app.get(DataSource);
  });
  afterAll(async () => t?.close());

  it("reflects orders another process changed while the bridge was down once 'bus.resynced' arrives", async () => {
    // Heard over the bridge before the outage: two resting orders.
    const filled = row({ symbol: 'NSE:RESYNCA-EQ' });
    const partial = row({ symbol: 'NSE:RESYNCB-EQ', side: 'SELL', quantity: 20, pricePaise: 700_00 });
    for (const r of [filled, partial]) {
      await writeElsewhere(r);
      bus.emit('orders.updated', view(r));
    }
    expect(resting()).toEqual({
      'NSE:RESYNCA-EQ BUY': { qty: 10, price: 500_00, sid: undefined },
      'NSE:RESYNCB-EQ SELL': { qty: 20, price: 700_00, sid: undefined },
    });

    // During the outage the other process fills one, part-fills the other and places a stop order.
    const later = new Date(Date.now() - 30_000);
    await writeElsewhere({ ...filled, filledQuantity: 10, status: 'FILLED', updatedAt: later });
    await writeElsewhere({ ...partial, filledQuantity: 5, status: 'PARTIALLY_FILLED', updatedAt: later });
    const placed = row({
      symbol: 'NSE:RESYNCC-EQ',
      quantity: 7,
      pricePaise: null,
      triggerPricePaise: 321_50,
      status: 'TRIGGER_PENDING',
      strategyId: 'sma-1',
      updatedAt: later,
    });
    await writeElsewhere(placed);
    // And one that was placed and cancelled entirely within the outage.
    await writeElsewhere(row({ symbol: 'NSE:RESYNCD-EQ', status: 'CANCELLED', updatedAt: later }));
    expect(Object.keys(resting())).toEqual(['NSE:RESYNCA-EQ BUY', 'NSE:RESYNCB-EQ SELL']);

    bus.emit('bus.resynced', { at: Date.now(), downMs: 4321 });
    await until('the open orders follow the orders table', () => !('NSE:RESYNCA-EQ BUY' in resting()));
    expect(resting()).toEqual({
      'NSE:RESYNCB-EQ SELL': { qty: 15, price: 700_00, sid: undefined },
      'NSE:RESYNCC-EQ BUY': { qty: 7, price: 321_50, sid: 'sma-1' },
    });
    // The risk engine's state reads the same view.
    expect(portfolio.openOrders().filter((o) => o.symbol.startsWith('NSE:RESYNC'))).toHaveLength(2);

    // Live again: a later update over the bridge applies on top of the rebuilt view.
    const cancelled = { ...placed, status: 'CANCELLED' as const, updatedAt: new Date() };
    await writeElsewhere(cancelled);
    bus.emit('orders.updated', view(cancelled));
    expect(Object.keys(resting())).toEqual(['NSE:RESYNCB-EQ SELL']);
  });

  it('applies updates that arrive during the read unless the row read is newer', async () => {
    const before = resting();
    const newer = row({ symbol: 'NSE:RESYNCE-EQ', quantity: 4 });
    await writeElsewhere(newer);
    const stale = row({
      symbol: 'NSE:RESYNCF-EQ',
      quantity: 6,
      filledQuantity: 2,
      status: 'PARTIALLY_FILLED',
    });
    await writeElsewhere({ ...stale, updatedAt: new Date(Date.now() - 1_000) });
    // The portfolio reads through its journal repository's connection.
    const repo = t.app.get<Repository<PortfolioFillEntity>>(getRepositoryToken(PortfolioFillEntity));
    const realQuery = repo.query.bind(repo);
    let ordersRead = false;
    const spy = jest.spyOn(repo, 'query').mockImplementation(async (sql, params) => {
      if (!ordersRead && /FROM orders WHERE status = ANY/.test(sql)) {
        ordersRead = true;
        const rows = await realQuery(sql, params);
        // Emitted while the rows are in flight: a cancel of E made after the read, and an older OPEN state of F.
        const cancelled = { ...newer, status: 'CANCELLED' as const, updatedAt: new Date() };
        await writeElsewhere(cancelled);
        bus.emit('orders.updated', view(cancelled));
        bus.emit('orders.updated', view({ ...stale, filledQuantity: 0, status: 'OPEN' }));
        return rows;
      }
      return realQuery(sql, params);
    });
    try {
      await portfolio.resync();
    } finally {
      spy.mockRestore();
    }
    expect(ordersRead).toBe(true);
    expect(resting()).toEqual({
      ...before,
      'NSE:RESYNCF-EQ BUY': { qty: 4, price: 500_00, sid: undefined },
    });
  });

  it('a process starting later reads the open orders already in the table', async () => {
    const expected = resting();
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    const second = await startTestApp({}, { shareWith: t });
    try {
      const other = second.app.get(PortfolioService);
      const theirs = Object.fromEntries(
        other.view
          .openOrders()
          .filter((o) => o.symbol.startsWith('NSE:RESYNC'))
          .map((o) => [
            `${o.symbol} ${o.side}`,
            { qty: o.remainingQuantity, price: o.pricePaise, sid: o.strategyId },
          ]),
      );
      expect(theirs).toEqual(expected);
    } finally {
      await second.close();
    }
  });
});
