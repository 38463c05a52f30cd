import { Injectable, Logger, Optional } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, type FindOptionsWhere, type Repository } from 'typeorm';
import type { AuthUser } from '@/auth/role.enum';
import { Role } from '@/auth/role.enum';
import { BrokerGateway } from '@/broker/broker-gateway';
import { Clock } from '@/common/clock';
import { AppConfig } from '@/config/app-config';
import { paiseToRupees, type Paise } from '@/common/money';
import { EquitySnapshotEntity } from './entities/equity-snapshot.entity';
import { PortfolioFillEntity } from './entities/portfolio-fill.entity';
import type { PositionSnapshot } from './position-book';
import { portfolioFigures, publishPortfolioMetrics, seedMaxDrawdown } from './portfolio.metrics';
import { PortfolioService } from './portfolio.service';

const r = (p: Paise) => paiseToRupees(Math.round(p));

export function positionDto(p: PositionSnapshot) {
  return {
    symbol: p.symbol,
    strategyId: p.strategyId ?? null,
    quantity: p.quantity,
    averagePrice: (p.averagePricePaise / 100).toFixed(4),
    lastPrice: p.markPaise === null ? null : r(p.markPaise),
    realisedPnl: r(p.realisedPaise),
    unrealisedPnl: r(p.unrealisedPaise),
    charges: r(p.chargesPaise),
    buyQuantity: p.buyQuantity,
    sellQuantity: p.sellQuantity,
    buyValue: r(p.buyValuePaise),
    sellValue: r(p.sellValuePaise),
  };
}

/** Read side of the portfolio for the API, and the once-a-minute equity snapshot. */
@Injectable()
export class PortfolioQueryService {
  private readonly logger = new Logger(PortfolioQueryService.name);

  constructor(
    private readonly portfolio: PortfolioService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @InjectRepository(EquitySnapshotEntity) private readonly snapshots: Repository<EquitySnapshotEntity>,
    @InjectRepository(PortfolioFillEntity) private readonly journal: Repository<PortfolioFillEntity>,
    @Optional() private readonly broker?: BrokerGateway,
  ) {}

  /** Admins see the whole account; everyone else their own fills' positions. */
  private scope(user: AuthUser): string | null {
    return user.role === Role.Admin ? null : user.id;
  }

  positions(user: AuthUser, q: { strategy?: string; includeFlat?: boolean }) {
    const book = this.portfolio.book(this.scope(user));
    const list =
      q.strategy !== undefined
        ? book.strategyPositions(q.strategy, q.includeFlat)
        : book.positions(q.includeFlat);
    return list.map(positionDto);
  }

  positionsByStrategy(user: AuthUser) {
    return this.portfolio.book(this.scope(user)).strategyPositions(undefined, false).map(positionDto);
  }

  pnl(user: AuthUser) {
    const book = this.portfolio.book(this.scope(user));
    const day = book.dayPnl();
    const total = book.totals();
    return {
      day: {
        realised: r(day.realisedPaise),
        unrealised: r(day.unrealisedPaise),
        charges: r(day.chargesPaise),
        net: r(day.netPaise),
      },
      total: {
        realised: r(total.realisedPaise),
        unrealised: r(total.unrealisedPaise),
        charges: r(total.chargesPaise),
        net: r(total.netPaise),
      },
      byStrategy: Object.fromEntries(
        book.strategies().map((s) => [s || 'manual', r(book.strategyDayPnlPaise(s))]),
      ),
    };
  }

  async holdings() {
    return this.broker ? this.broker.holdings() : [];
  }

  async funds() {
    if (this.broker) {
      const f = await this.broker.funds();
      return Object.fromEntries(Object.entries(f).map(([k, v]) => [k.replace(/Paise$/, ''), r(v)]));
    }
    const equity = this.portfolio.view.equityPaise();
    return { net: r(equity), availableCash: r(equity), source: 'platform' };
  }

  async equity(from?: Date, to?: Date) {
    const end = to ?? new Date(this.clock.now());
    const start = from ?? new Date(end.getTime() - 24 * 3600_000);
    const rows = await this.snapshots.find({
      where: { at: Between(start, end) },
      order: { at: 'ASC' },
      take: 10_000,
    });
    return rows.map((s) => ({
      at: s.at.toISOString(),
      equity: r(s.equityPaise),
      peakEquity: r(s.peakEquityPaise),
      dayPnl: r(s.dayPnlPaise),
      realised: r(s.realisedPaise),
      unrealised: r(s.unrealisedPaise),
      grossExposure: r(s.grossExposurePaise),
      openPositions: s.openPositions,
    }));
  }

  async trades(user: AuthUser, q: { page: number; pageSize: number; symbol?: string; strategy?: string }) {
    const where: FindOptionsWhere<PortfolioFillEntity> = {};
    const scope = this.scope(user);
    if (scope !== null) where.userId = scope;
    if (q.symbol) where.symbol = q.symbol;
    if (q.strategy) where.strategyId = q.strategy;
    const [rows, total] = await this.journal.findAndCount({
      where,
      order: { at: 'DESC', id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return {
      total,
      page: q.page,
      pageSize: q.pageSize,
      items: rows.map((t) => ({
        orderId: t.orderId,
        userId: t.userId,
        strategyId: t.strategyId,
        symbol: t.symbol,
        side: t.side,
        quantity: t.quantity,
        price: r(t.pricePaise),
        charges: r(t.chargesPaise),
        realisedPnl: r(t.realisedPaise),
        product: t.product,
        at: t.at.toISOString(),
      })),
    };
  }

  /** Equity, P&L and exposure once a minute (worker role), feeding the drawdown peak and the metrics. */
  @Cron(CronExpression.EVERY_MINUTE)
  async snapshot(): Promise<EquitySnapshotEntity | null> {
    if (!this.config.hasRole('worker')) return null;
    this.portfolio.rollDay();
    await seedMaxDrawdown(this.snapshots);
    const totals = this.portfolio.account.totals();
    const figures = portfolioFigures(this.portfolio.account, this.portfolio.view);
    const { equityPaise: equity, peakEquityPaise: peak, dayPaise: day, positions } = figures;
    const { gross } = publishPortfolioMetrics(figures);
    try {
      return await this.snapshots.save(
        this.snapshots.create({
          at: new Date(this.clock.now()),
          equityPaise: equity,
          peakEquityPaise: peak,
          realisedPaise: totals.realisedPaise,
          unrealisedPaise: totals.unrealisedPaise,
          chargesPaise: totals.chargesPaise,
          dayPnlPaise: day,
          grossExposurePaise: gross,
          openPositions: positions.length,
        }),
      );
    } catch (err) {
      this.logger.warn(`equity snapshot not stored: ${(err as Error).message}`);
      return null;
    }
  }

  /** Highest equity ever snapshotted: the drawdown peak survives restarts. */
  async restorePeak(): Promise<void> {
    const row = await this.snapshots
      .createQueryBuilder('s')
      .select('MAX(s.peak_equity_paise)', 'peak')
      .getRawOne<{ peak: string | null }>();
    if (row?.peak) this.portfolio.view.setPeakEquity(Number(row.peak));
  }
}
