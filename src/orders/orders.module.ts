import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { AppConfig } from '@/config/app-config';
import { QUEUES } from '@/queues/queue.constants';
import { OrderCanceller } from '@/risk/order-canceller.port';
import { RiskModule } from '@/risk/risk.module';
import { PortfolioService } from '@/portfolio/portfolio.service';
import { RiskService } from '@/risk/risk.service';
import { LiveOrderSink, OrdersCanceller } from './live-order-sink';
import { OrdersController } from './orders.controller';
import { ORDERS_POSITIONS, ORDERS_RISK } from './orders.ports';
import { OrdersRuntime } from './orders.runtime';
import { OrdersService } from './orders.service';
import { ReconciliationController } from './reconciliation.controller';

/**
 * Orders: API, placement queue and worker, update stream, reconciliation. Global so the kill switch
 * finds `OrderCanceller` and the strategy engine finds `LiveOrderSink` without importing this module.
 * The queue's own limiter caps placements fleet-wide at ORDER_RATE_LIMIT_PER_SEC.
 */
@Global()
@Module({
  imports: [
    RiskModule,
    BullModule.registerQueueAsync({
      name: QUEUES.orders,
      inject: [AppConfig],
      useFactory: (c: AppConfig) => ({ limiter: { max: c.env.ORDER_RATE_LIMIT_PER_SEC, duration: 1000 } }),
    }),
  ],
  controllers: [OrdersController, ReconciliationController],
  providers: [
    OrdersRuntime,
    OrdersService,
    LiveOrderSink,
    { provide: ORDERS_RISK, useExisting: RiskService },
    // Reconciliation, the kill switch's flatten and the exit check all use the portfolio's positions.
    { provide: ORDERS_POSITIONS, useExisting: PortfolioService },
    { provide: OrderCanceller, useClass: OrdersCanceller },
  ],
  exports: [OrdersService, LiveOrderSink, OrderCanceller, OrdersRuntime],
})
export class OrdersModule {}
