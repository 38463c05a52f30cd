import {
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { SystemMetrics } from '@/monitoring/system-metrics';
import { QUEUES } from '@/queues/queue.constants';

/**
 * Nest wiring: samples the app's DataSource and every Bull queue in QUEUES that some module registered
 * (queues are looked up at bootstrap, so feature modules need not know about monitoring).
 */
@Injectable()
export class SystemMetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SystemMetrics');
  private metrics?: SystemMetrics;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const queues: Queue[] = [];
    for (const name of Object.values(QUEUES)) {
      try {
        queues.push(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
      } catch {
        // that queue is not registered in this process
      }
    }
    this.metrics = new SystemMetrics({ dataSource: this.dataSource, queues });
    this.metrics.start();
    this.logger.log(`sampling event loop, database pool and ${queues.length} queue(s)`);
  }

  onApplicationShutdown(): void {
    this.metrics?.stop();
  }
}
