import { Controller, Get, Headers, HttpStatus, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { register } from 'prom-client';
import { Public } from '@/auth/authenticated.decorator';
import { AppConfig } from '@/config/app-config';
import { AppError, ErrorCode } from '@/common/errors';

/** GET /metrics in Prometheus text format: public unless METRICS_TOKEN is set (then a bearer token). */
@ApiExcludeController()
@Controller()
export class MetricsController extends PrometheusController {
  constructor(private readonly config: AppConfig) {
    super();
  }

  @Public()
  @Get()
  override async index(
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('authorization') auth?: string,
  ): Promise<string> {
    const token = this.config.env.METRICS_TOKEN;
    if (token) {
      const given = /^Bearer\s+(\S+)$/i.exec(auth ?? '')?.[1] ?? '';
      const ok = given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));
      if (!ok)
        throw new AppError(
          ErrorCode.Unauthorized,
          'metrics need the METRICS_TOKEN bearer token',
          HttpStatus.UNAUTHORIZED,
        );
    }
    void reply.header('content-type', register.contentType);
    return register.metrics();
  }
}
