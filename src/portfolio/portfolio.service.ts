import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { BrokerGateway } from '@/broker/broker-gateway';
import { Clock } from '@/common/clock';
import { EventBus } from '@/common/event-bus';
import { AppConfig } from '@/config/app-config';
import { rupeesToPaise, type Paise } from '@/common/money';
import type { OrderFill } from '@/domain/execution';
import type { ProductType, Tick } from '@/domain/market';
import type {} from '@/common/event-bus-bridge';
import type { FillView, OrderView } from '@/orders/order-view';
import { istDayStart } from '@/risk/ist-time';
import type { LastTick, OpenOrderView } from '@/risk/risk-types';
import { BookRiskView } from './book-risk-view';
import { PortfolioFillEntity } from './entities/portfolio-fill.entity';
import { FillCharges } from './fill-charges';
import { PositionBook, type PositionSnapshot } from './position-book';
import { INSTRUMENT_SPECS, fallbackSpec, type InstrumentSpecLookup } from './portfolio.tokens';
import { portfolioFigures, portfolioMetrics, publishPortfolioMetrics } from './portfolio.metrics';

/** Capital assumed when no broker funds are available (simulated mode without a gateway, tests). */
export const DEFAULT_CAPITAL_PAISE = 10_00_000_00;

const OPEN_STATUSES = new Set([
  'NEW',
  'QUEUED',
  'SUBMITTING',
  'OPEN',
  'TRIGGER_PENDING',
  'PARTIALLY_FILLED',
  'CANCEL_PENDING',
  'UNKNOWN',
]);

export interface NetPosition {
  userId: string;
  symbol: string;
  product: ProductType;
  /** Signed: positive long, negative short. */
  quantity: number;
}

export interface PositionEvent extends PositionSnapshot {
  userId: string;
}

declare module '@/common/event-bus' {
  interface PlatformEvents {
    /** A user's position after a fill (WebSocket `positions` channel, owner only). */
    'portfolio.position': PositionEvent;
    /** A fill the portfolio applied (once), with the charges it booked (strategy metrics net of costs). */
    'portfolio.fill': FillView & { chargesPaise: Paise };
  }
}

/**
 * Positions and P&L of the account (all users together, what the risk engine guards) and of each user
 * (what the API shows them), fed by `orders.fill` and marked by `market.tick`. The journal of applied
 * fills is replayed at start-up, so positions survive a restart, and again after the event bridge was cut
 * off (`bus.resynced`) when the journal holds fills this process never heard of.
 */
@Injectable()
export class PortfolioService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PortfolioService.name);
  /** Replaced (never mutated back) by a rebuild from the journal; read it through `account`. */
  private accountBook = new PositionBook();
  private readonly users = new Map<string, PositionBook>();
  private readonly ticks = new Map<string, LastTick>();
  private readonly open = new Map<string, OpenOrderView & { userId: string }>();
  private openCache: OpenOrderView[] | null = null;
  private readonly charges = new FillCharges();
  /** The highest journal id the books were last rebuilt from: a resync checks only rows after it. */
  private journalMark = '0';
  /** Startup replay, then each resync after it, one at a time. */
  private syncing: Promise<void> = Promise.resolve();
  private resyncQueued = false;
  private lastResync = 0;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly journalWrites = new Set<Promise<unknown>>();
  /**
   * Fills applied, by order and cumulative quantity: the same fill again (from the journal replay and
   * the event bridge, or a reconciliation) is dropped before its charges are counted, since the
   * per-order brokerage tally would otherwise grow. Bounded; the book's own check still holds after.
   */
  private readonly appliedFills = new Set<string>();
  private held: FillView[] | null = null;
  /** `orders.updated` arriving while the open orders are read from the database, applied after. */
  private heldOrders: OrderView[] | null = null;
  private capital: Paise = DEFAULT_CAPITAL_PAISE;
  readonly view: BookRiskView;
  readonly specs: InstrumentSpecLookup;

  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock,
    @InjectRepository(PortfolioFillEntity) private readonly journal: Repository<PortfolioFillEntity>,
    @Optional() private readonly broker?: BrokerGateway,
    @Optional() @Inject(INSTRUMENT_SPECS) specs?: InstrumentSpecLookup,
    @Optional() private readonly config?: AppConfig,
  ) {
    this.specs = specs ?? fallbackSpec;
    const book = () => this.accountBook;
    this.view = new BookRiskView({
      // A getter: the view follows the book a rebuild puts in place.
      get book() {
        return book();
      },
      instrument: (s) => this.specs(s),
      startingEquityPaise: DEFAULT_CAPITAL_PAISE,
      equity: () => this.capital + this.account.totals().netPaise,
      openOrders: () => (this.openCache ??= [...this.open.values()]),
      lastTick: (s) => this.ticks.get(s),
    });
  }

  /**
   * Every process keeps the books (fills reach all of them over the event bridge), but only the worker
   * role exports the account's P&L, exposure and fill count, as the once-a-minute snapshot does: the
   * other processes' series stay 0, so `sum()` across processes is the account's figure, not a multiple.
   */
  private publishesMetrics(): boolean {
    return this.config?.hasRole('worker') ?? true;
  }

  async onModuleInit(): Promise<void> {
    // Subscribed before the journal is read: a fill another process makes meanwhile (it arrives over the
    // event bridge) is held and applied after the replay, once even if the journal had it too.
    this.unsubscribe.push(
      this.bus.on('market.tick', (t) => this.onTick(t)),
      this.bus.on('orders.updated', (o) => (this.heldOrders ? this.heldOrders.push(o) : this.onOrder(o))),
      this.bus.on('orders.fill', (f) => (this.held ? this.held.push(f) : this.applyFill(f))),
      this.bus.on('bus.resynced', () => void this.resync()),
    );
    const startup = this.holdingFills(() => this.replay()).then(() => this.reloadOpenOrders());
    this.syncing = startup.catch(() => undefined);
    await startup;
    await this.refreshCapital();
  }

  /** The account book (all users together); a rebuild from the journal replaces it. */
  get account(): PositionBook {
    return this.accountBook;
  }

  /**
   * After the event bridge was cut off: fills other processes made meanwhile never arrived here, but the
   * journal has them. Checks the journal rows added since the last rebuild against the fills applied
   * (cheap when nothing was missed) and, when some are missing, rebuilds the books from the whole
   * journal the way start-up does, fills arriving meanwhile held and applied after (once each).
   * The open orders (what the risk view counts as resting) are read again from the orders table too:
   * their `orders.updated` events were lost the same way.
   * Resolves with the number of fills that were missing; calls while one runs share the next run.
   */
  resync(): Promise<number> {
    if (this.resyncQueued) return this.syncing.then(() => this.lastResync);
    this.resyncQueued = true;
    const run = this.syncing.then(async () => {
      this.resyncQueued = false;
      await this.reloadOpenOrders().catch((err: unknown) =>
        this.logger.error(
          `open orders not reloaded after the event bridge reconnected, resting orders may be stale: ${(err as Error).message}`,
        ),
      );
      this.lastResync = await this.checkAndRebuild();
      return this.lastResync;
    });
    this.syncing = run.then(
      () => undefined,
      (err: unknown) =>
        this.logger.error(`resync from the journal failed, books may lack fills: ${(err as Error).message}`),
    );
    return run;
  }

  onModuleDestroy(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** Capital is the broker's net funds less today's P&L already in them, read at start and each new day. */
  async refreshCapital(): Promise<void> {
    if (!this.broker) return;
    try {
      const funds = await this.broker.funds();
      if (funds.netPaise > 0) this.capital = funds.netPaise - this.account.totals().netPaise;
    } catch (err) {
      this.logger.warn(`broker funds unavailable, equity uses the last capital: ${(err as Error).message}`);
    }
  }

  capitalPaise(): Paise {
    return this.capital;
  }

  onTick(t: Tick): void {
    this.ticks.set(t.symbol, { pricePaise: t.ltpPaise, time: t.receivedAt });
    this.account.mark(t.symbol, t.ltpPaise, t.receivedAt);
    for (const b of this.users.values()) b.mark(t.symbol, t.ltpPaise, t.receivedAt);
  }

  onOrder(o: OrderView): void {
    this.openCache = null;
    if (!OPEN_STATUSES.has(o.status)) {
      this.open.delete(o.id);
      return;
    }
    const price = o.price ?? o.triggerPrice;
    this.setOpen(o.id, o, price ? rupeesToPaise(price) : null);
  }

  /** Records an order's resting remainder (or drops it when nothing remains). */
  private setOpen(
    id: string,
    o: Pick<OrderView, 'userId' | 'symbol' | 'side' | 'quantity' | 'filledQuantity' | 'strategyId'>,
    pricePaise: Paise | null,
  ): void {
    const remaining = o.quantity - o.filledQuantity;
    if (remaining <= 0) return void this.open.delete(id);
    this.open.set(id, {
      userId: o.userId,
      symbol: o.symbol,
      side: o.side,
      remainingQuantity: remaining,
      ...(pricePaise !== null ? { pricePaise } : {}),
      ...(o.strategyId ? { strategyId: o.strategyId } : {}),
    });
  }

  /**
   * Replaces the open orders with the orders table's non-terminal rows (start-up, and after the event
   * bridge was cut off, when other processes' `orders.updated` never arrived here). Updates arriving
   * during the read are held and applied after, unless the row read is newer than the update.
   */
  async reloadOpenOrders(): Promise<void> {
    const held: OrderView[] = [];
    const readAt = new Map<string, number>();
    this.heldOrders = held;
    try {
      const rows: OpenOrderRow[] = await this.journal.query(
        `SELECT id, user_id AS "userId", symbol, side, quantity, filled_quantity AS "filledQuantity",
                price_paise AS "pricePaise", trigger_price_paise AS "triggerPricePaise",
                strategy_id AS "strategyId", updated_at AS "updatedAt"
           FROM orders WHERE status = ANY($1)`,
        [[...OPEN_STATUSES]],
      );
      this.open.clear();
      this.openCache = null;
      for (const r of rows) {
        readAt.set(r.id, r.updatedAt.getTime());
        const price = r.pricePaise ?? r.triggerPricePaise;
        this.setOpen(r.id, r, price !== null ? Number(price) : null);
      }
    } finally {
      this.heldOrders = null;
      for (const o of held) {
        const read = readAt.get(o.id);
        if (read === undefined || Date.parse(o.updatedAt) >= read) this.onOrder(o);
      }
    }
  }

  /** Applies a fill once (keyed by order and cumulative quantity), journals it and announces the position. */
  async onFill(f: FillView): Promise<void> {
    const key = fillKey(f.orderId, f.cumQuantity);
    if (this.appliedFills.has(key)) return;
    const chargesPaise = this.charges.compute({ ...f, time: f.at });
    const fill = toOrderFill(f, chargesPaise);
    const effect = this.account.apply(fill);
    if (!effect.applied) return;
    this.rememberFill(key);
    this.userBook(f.userId).apply(fill);
    this.bus.emit('portfolio.fill', { ...f, chargesPaise });
    const pos = this.userBook(f.userId).position(f.symbol);
    if (pos) this.bus.emit('portfolio.position', { ...pos, userId: f.userId });
    if (this.publishesMetrics()) {
      portfolioMetrics.fills.inc();
      publishPortfolioMetrics(portfolioFigures(this.account, this.view));
    }
    const write = this.journal
      .createQueryBuilder()
      .insert()
      .values({
        orderId: f.orderId,
        cumQuantity: f.cumQuantity,
        userId: f.userId,
        strategyId: f.strategyId,
        symbol: f.symbol,
        side: f.side,
        quantity: f.quantity,
        pricePaise: f.pricePaise,
        chargesPaise,
        realisedPaise: effect.realisedPaise,
        product: f.product,
        at: new Date(f.at),
      })
      .orIgnore()
      .execute();
    this.journalWrites.add(write);
    try {
      await write;
    } finally {
      this.journalWrites.delete(write);
    }
  }

  /** The book a user sees; admins ask for the account book. */
  book(userId: string | null): PositionBook {
    return userId === null ? this.account : this.userBook(userId);
  }

  /**
   * Net positions per user, symbol and product as the broker's position book counts them, from the
   * journal (so every process sees the fills the worker applied): INTRADAY and CARRYFORWARD from all
   * fills, DELIVERY from today's (IST) fills only, since earlier delivery buys are holdings by now.
   * The orders module binds this as ORDERS_POSITIONS (reconciliation, kill-switch flatten, exit checks).
   */
  async netPositions(): Promise<NetPosition[]> {
    // A fill applied a moment ago must count: reconciliation applies missed fills, then compares.
    await Promise.allSettled([...this.journalWrites]);
    const rows: { userId: string; symbol: string; product: string | null; quantity: string }[] =
      await this.journal.query(
        `SELECT user_id AS "userId", symbol, product,
                SUM(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END) AS quantity
           FROM portfolio_fills
          WHERE product IS DISTINCT FROM 'DELIVERY' OR at >= $1
          GROUP BY user_id, symbol, product`,
        [new Date(istDayStart(this.clock.now()))],
      );
    return rows
      .map((r) => ({
        userId: r.userId,
        symbol: r.symbol,
        product: (r.product ?? 'INTRADAY') as ProductType,
        quantity: Number(r.quantity),
      }))
      .filter((r) => r.quantity !== 0);
  }

  openOrders(): readonly OpenOrderView[] {
    return this.view.openOrders();
  }

  lastTick(symbol: string): LastTick | undefined {
    return this.ticks.get(symbol);
  }

  /** Rolls day P&L at the IST day boundary even on days without fills. */
  rollDay(): void {
    const now = this.clock.now();
    if (this.account.ensureDay(now)) {
      for (const b of this.users.values()) b.ensureDay(now);
      void this.refreshCapital();
    }
  }

  private applyFill(f: FillView): void {
    this.onFill(f).catch((err: unknown) =>
      this.logger.error(`fill for order ${f.orderId} not journaled: ${(err as Error).message}`),
    );
  }

  private rememberFill(key: string): void {
    if (this.appliedFills.size >= 200_000) this.appliedFills.clear();
    this.appliedFills.add(key);
  }

  private userBook(userId: string): PositionBook {
    let b = this.users.get(userId);
    if (!b) {
      b = new PositionBook();
      b.ensureDay(this.clock.now());
      this.users.set(userId, b);
    }
    return b;
  }

  /** Runs `work` with incoming fills held, then applies them (each once: the journal may have had it). */
  private async holdingFills<T>(work: () => Promise<T>): Promise<T> {
    const held: FillView[] = [];
    this.held = held;
    try {
      return await work();
    } finally {
      this.held = null;
      for (const f of held) this.applyFill(f);
    }
  }

  private async replay(): Promise<void> {
    const rows = await this.journal.find({ order: { at: 'ASC', id: 'ASC' } });
    this.rebuild(rows);
    if (rows.length) this.logger.log(`rebuilt positions from ${rows.length} journaled fills`);
  }

  /** The missing fills found (0: the books were complete and nothing was rebuilt). */
  private async checkAndRebuild(): Promise<number> {
    // Our own fills must be in the journal before it is compared with what we applied.
    await Promise.allSettled([...this.journalWrites]);
    const recent: { orderId: string; cumQuantity: number }[] = await this.journal.query(
      `SELECT order_id AS "orderId", cum_quantity AS "cumQuantity" FROM portfolio_fills WHERE id > $1`,
      [this.journalMark],
    );
    if (recent.every((r) => this.appliedFills.has(fillKey(r.orderId, r.cumQuantity)))) {
      this.logger.debug(
        `resync: the ${recent.length} fill(s) journaled since the last rebuild were all applied`,
      );
      return 0;
    }
    return this.holdingFills(async () => {
      await Promise.allSettled([...this.journalWrites]);
      const before = new Set(this.appliedFills);
      const rows = await this.journal.find({ order: { at: 'ASC', id: 'ASC' } });
      const missed = this.rebuild(rows, before);
      this.logger.log(
        `resync after the event bridge reconnected: ${missed.length} fill(s) made elsewhere were missed; rebuilt positions from ${rows.length} journaled fills`,
      );
      // What handling those fills would have derived here: the instances' fills, the users' positions.
      const touched = new Map<string, { userId: string; symbol: string }>();
      for (const r of missed) {
        this.bus.emit('portfolio.fill', { ...fillViewOf(r), chargesPaise: r.chargesPaise });
        touched.set(`${r.userId}|${r.symbol}`, { userId: r.userId, symbol: r.symbol });
      }
      for (const { userId, symbol } of touched.values()) {
        const pos = this.userBook(userId).position(symbol);
        if (pos) this.bus.emit('portfolio.position', { ...pos, userId });
      }
      if (missed.length && this.publishesMetrics())
        publishPortfolioMetrics(portfolioFigures(this.account, this.view));
      return missed.length;
    });
  }

  /**
   * Replaces the books with the journal's `rows` (in journal order), keeping the last marks. With
   * `known` (the fills applied before), returns the rows not among them: their brokerage is added to
   * the per-order tally, so a later partial fill of the same order is charged as the other process
   * charged it, while the books take each row's journaled charges once.
   */
  private rebuild(rows: PortfolioFillEntity[], known?: ReadonlySet<string>): PortfolioFillEntity[] {
    const missed: PortfolioFillEntity[] = [];
    this.accountBook = new PositionBook();
    this.users.clear();
    this.appliedFills.clear();
    let mark = BigInt(this.journalMark);
    for (const r of rows) {
      const key = fillKey(r.orderId, r.cumQuantity);
      const fill: OrderFill = {
        orderId: r.orderId,
        clientOrderId: '',
        userId: r.userId,
        ...(r.strategyId ? { strategyId: r.strategyId } : {}),
        symbol: r.symbol,
        side: r.side,
        quantity: r.quantity,
        pricePaise: r.pricePaise,
        chargesPaise: r.chargesPaise,
        tradeId: String(r.cumQuantity),
        time: r.at.getTime(),
      };
      this.accountBook.apply(fill);
      this.userBook(r.userId).apply(fill);
      this.rememberFill(key);
      if (BigInt(r.id) > mark) mark = BigInt(r.id);
      if (known && !known.has(key)) {
        missed.push(r);
        this.charges.compute({ ...fillViewOf(r), time: r.at.getTime() });
      }
    }
    this.journalMark = mark.toString();
    for (const [symbol, t] of this.ticks) {
      this.accountBook.mark(symbol, t.pricePaise, t.time);
      for (const b of this.users.values()) b.mark(symbol, t.pricePaise, t.time);
    }
    this.rollDay();
    return missed;
  }
}

function fillViewOf(r: PortfolioFillEntity): FillView {
  return {
    orderId: r.orderId,
    userId: r.userId,
    symbol: r.symbol,
    side: r.side,
    quantity: r.quantity,
    pricePaise: r.pricePaise,
    cumQuantity: r.cumQuantity,
    strategyId: r.strategyId,
    product: (r.product ?? null) as FillView['product'],
    at: r.at.getTime(),
  };
}

interface OpenOrderRow {
  id: string;
  userId: string;
  symbol: string;
  side: OrderView['side'];
  quantity: number;
  filledQuantity: number;
  /** bigint columns: strings from the driver. */
  pricePaise: string | null;
  triggerPricePaise: string | null;
  strategyId: string | null;
  updatedAt: Date;
}

const fillKey = (orderId: string, cumQuantity: number) => `${orderId}|${cumQuantity}`;

export function toOrderFill(f: FillView, chargesPaise: Paise): OrderFill {
  return {
    orderId: f.orderId,
    clientOrderId: '',
    userId: f.userId,
    ...(f.strategyId ? { strategyId: f.strategyId } : {}),
    symbol: f.symbol,
    side: f.side,
    quantity: f.quantity,
    pricePaise: f.pricePaise,
    chargesPaise,
    product: f.product,
    // The cumulative quantity after this fill identifies it: the same growth seen twice is one fill.
    tradeId: String(f.cumQuantity),
    time: f.at,
  };
}
