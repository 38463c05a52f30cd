import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EquitySnapshotEntity } from './entities/equity-snapshot.entity';
import { PortfolioFillEntity } from './entities/portfolio-fill.entity';
import { PortfolioController } from './portfolio.controller';
import { PortfolioQueryService } from './portfolio-query.service';
import { PortfolioService } from './portfolio.service';

/**
 * Positions, P&L, equity snapshots and the trade journal. Binds to `BrokerGateway` and
 * `INSTRUMENT_SPECS` when another module provides them (both optional).
 */
@Module({
  imports: [TypeOrmModule.forFeature([PortfolioFillEntity, EquitySnapshotEntity])],
  controllers: [PortfolioController],
  providers: [PortfolioService, PortfolioQueryService],
  exports: [PortfolioService, PortfolioQueryService],
})
export class PortfolioModule implements OnApplicationBootstrap {
  constructor(private readonly query: PortfolioQueryService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.query.restorePeak();
  }
}
