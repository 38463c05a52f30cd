import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type Redis from 'ioredis';
import { Public } from '@/auth/authenticated.decorator';
import { REDIS } from '@/redis/redis.module';
import { HealthRegistry } from './health-registry';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: HealthRegistry,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Liveness: the process answers. Touches no dependency, so a database outage never restarts pods. */
  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness probe: the process answers (no dependencies)' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /** Readiness: PostgreSQL and Redis pinged, plus every registered check (broker session, feed). */
  @Public()
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness probe: PostgreSQL, Redis, broker session and feed freshness' })
  @ApiOkResponse({ description: 'Every critical component is up (non-critical ones may be degraded)' })
  @ApiServiceUnavailableResponse({ description: 'A critical component is down; it is named in `error`' })
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database').withTimeout(2000),
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            const pong = await this.redis.ping();
            if (pong !== 'PONG') throw new Error('unexpected PING reply');
          })
          .withTimeout(2000),
      ...this.registry.list().map((entry) => async () => {
        const session = this.indicators.check(entry.name);
        try {
          const r = await entry.check();
          if (r.up) return session.up(r.details ?? {});
          return entry.critical ? session.down(r.details ?? {}) : session.degraded(r.details ?? {});
        } catch (err) {
          const details = { message: (err as Error).message };
          return entry.critical ? session.down(details) : session.degraded(details);
        }
      }),
    ]);
  }
}
