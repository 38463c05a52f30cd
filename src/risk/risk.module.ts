import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PortfolioModule } from '@/portfolio/portfolio.module';
import { RiskRejectionEntity } from './entities/risk-rejection.entity';
import { RiskStateEntity } from './entities/risk-state.entity';
import { KillSwitchService } from './kill-switch.service';
import { RiskAdminService } from './risk-admin.service';
import { RiskController } from './risk.controller';
import { RiskService } from './risk.service';

/**
 * Risk engine, kill switch, breakers and square-off. Exports `RiskService` (the orders module's
 * `OrdersRiskPort`) and `KillSwitchService`; binds to an `OrderCanceller` when the orders module
 * provides one globally.
 */
@Module({
  imports: [PortfolioModule, TypeOrmModule.forFeature([RiskStateEntity, RiskRejectionEntity])],
  controllers: [RiskController],
  providers: [RiskService, KillSwitchService, RiskAdminService],
  exports: [RiskService, KillSwitchService, PortfolioModule],
})
export class RiskModule {}
