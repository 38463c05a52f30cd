import { randomUUID } from 'node:crypto';
import { getRepositoryToken } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { EventBus } from '../../src/common/event-bus';
import type { FillView } from '../../src/orders/order-view';
import { PortfolioFillEntity } from '../../src/portfolio/entities/portfolio-fill.entity';
import { PortfolioService } from '../../src/portfolio/portfolio.service';
import { startTestApp, type TestApp } from '../support/app';

const SYMBOL = 'NSE:RESYNCO-EQ';

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A split deployment's portfolio after its event bridge was cut off: fills another process made (and
 * journaled) meanwhile never arrived as events; `bus.resynced` rebuilds the books from the journal.
 */
describe('portfolio resync from the journal after the event bridge reconnects (e2e)', () => {
  let t: TestApp;
  let bus: EventBus;
  let portfolio: PortfolioService;
  let db: DataSource;
  const userId = randomUUID();
  const at = Date.now() - 60_000;
  const fill = (f: Partial<FillView>): FillView => ({
    orderId: randomUUID(),
    userId,
    symbol: SYMBOL,
    side: 'BUY',
    quantity: 10,
    pricePaise: 500_00,
    cumQuantity: 10,
    strategyId: null,
    product: 'INTRADAY',
    at,
    ...f,
  });
  /** What the worker's portfolio journals for a fill this process never hears about. */
  const journalElsewhere = (f: FillView, chargesPaise: number) =>
    db.query(
      `INSERT INTO portfolio_fills (order_id, cum_quantity, user_id, strategy_id, symbol, side, quantity,
                                    price_paise, charges_paise, realised_paise, product, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11)`,
      [f.orderId, f.cumQuantity, f.userId, f.strategyId, f.symbol, f.side, f.quantity, f.pricePaise,
        chargesPaise, f.product, new Date(f.at)],
    );
  const journalCount = async () =>
    Number((await db.query(`SELECT count(*) AS n FROM portfolio_fills`))[0].n as string);

  beforeAll(async () => {
    t = await startTestApp();
    bus = t.app.get(EventBus);
    portfolio = t.app.get(PortfolioService);
    db = t.app.get(DataSource);
  });
  afterAll(async () => t?.close());

  it('does nothing when no fill was missed (the books stay the same objects)', async () => {
    const local = fill({});
    bus.emit('orders.fill', local);
    await until('the local fill is applied', () => portfolio.book(userId).quantity(SYMBOL) === 10);
    const book = portfolio.account;
    expect(await portfolio.resync()).toBe(0);
    expect(portfolio.account).toBe(book);
    expect(portfolio.book(userId).quantity(SYMBOL)).toBe(10);
    expect(await journalCount()).toBe(1);
  });

  it("applies a fill journaled by another process on 'bus.resynced', once, charges once", async () => {
    const before = portfolio.book(userId).position(SYMBOL)!;
    const beforeAccount = portfolio.account.totals();
    const positions: { quantity: number }[] = [];
    const derived: FillView[] = [];
    const offs = [
      bus.on('portfolio.position', (p) => void (p.userId === userId && positions.push(p))),
      bus.on('portfolio.fill', (f) => void derived.push(f)),
    ];
    // The other process's fill: in the journal, its event lost while the bridge was down.
    const missed = fill({ quantity: 5, cumQuantity: 5, pricePaise: 510_00 });
    await journalElsewhere(missed, 23_45);
    expect(portfolio.book(userId).quantity(SYMBOL)).toBe(10);

    bus.emit('bus.resynced', { at: Date.now(), downMs: 1234 });
    await until('the missed fill is in the books', () => portfolio.book(userId).quantity(SYMBOL) === 15);
    const after = portfolio.book(userId).position(SYMBOL)!;
    expect(after.buyValuePaise).toBe(before.buyValuePaise + 5 * 510_00);
    expect(after.chargesPaise).toBe(before.chargesPaise + 23_45);
    expect(portfolio.account.quantity(SYMBOL)).toBe(15);
    expect(portfolio.account.totals().chargesPaise).toBe(beforeAccount.chargesPaise + 23_45);
    // The risk view follows the rebuilt book.
    expect(portfolio.view.positionQuantity(SYMBOL)).toBe(15);
    // What handling the fill would have derived here: its portfolio.fill and the user's position.
    expect(derived.map((f) => f.orderId)).toEqual([missed.orderId]);
    expect(positions.at(-1)?.quantity).toBe(15);

    // The same fill's event arriving late (a slow bridge, a reconciliation) changes nothing.
    bus.emit('orders.fill', missed);
    bus.emit('orders.fill', fill({ orderId: missed.orderId, quantity: 5, cumQuantity: 5 }));
    // And a fresh fill after it still applies (the books are live): once it shows, the repeats were seen.
    const next = fill({ quantity: 2, cumQuantity: 2 });
    bus.emit('orders.fill', next);
    await until('the fresh fill is applied', () => portfolio.book(userId).quantity(SYMBOL) === 17);
    expect(derived.map((f) => f.orderId)).toEqual([missed.orderId, next.orderId]);
    // Charges grew by the fresh fill's own only: the missed fill's were not booked a second time.
    const nextCharges = (derived[1] as FillView & { chargesPaise: number }).chargesPaise;
    expect(portfolio.book(userId).position(SYMBOL)!.chargesPaise).toBe(after.chargesPaise + nextCharges);
    // A second resync finds nothing missing and keeps the books.
    const book = portfolio.account;
    expect(await portfolio.resync()).toBe(0);
    expect(portfolio.account).toBe(book);
    expect(portfolio.book(userId).quantity(SYMBOL)).toBe(17);
    expect(await journalCount()).toBe(3);
    offs.forEach((off) => off());
  });

  it('holds fills that arrive during a rebuild and applies them after, once', async () => {
    const missed = fill({ quantity: 3, cumQuantity: 3, pricePaise: 505_00 });
    await journalElsewhere(missed, 10_00);
    const during = fill({ quantity: 4, cumQuantity: 4 });
    // A fill arriving while the rebuild reads the journal (emitted from inside the real read).
    const repo = t.app.get<Repository<PortfolioFillEntity>>(getRepositoryToken(PortfolioFillEntity));
    const realFind = repo.find.bind(repo);
    let heldDuringRead: number | undefined;
    const spy = jest.spyOn(repo, 'find').mockImplementationOnce(async (opts) => {
      bus.emit('orders.fill', during);
      heldDuringRead = portfolio.book(userId).quantity(SYMBOL);
      return realFind(opts);
    });
    expect(await portfolio.resync()).toBe(1);
    spy.mockRestore();
    expect(heldDuringRead).toBe(17); // held, not applied to the books being replaced
    // Applied after the rebuild, on top of the missed one; the same event again changes nothing.
    await until('both fills are in the books', () => portfolio.book(userId).quantity(SYMBOL) === 24);
    bus.emit('orders.fill', during);
    await until('both fills are in the books', () => portfolio.book(userId).quantity(SYMBOL) === 24);
    expect(await portfolio.resync()).toBe(0);
    expect(portfolio.book(userId).quantity(SYMBOL)).toBe(24);
    expect(portfolio.account.quantity(SYMBOL)).toBe(24);
    expect(await journalCount()).toBe(5);
  });
});
