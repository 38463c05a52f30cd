import { BadRequestException, Logger, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import helmet from '@fastify/helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { AppModule } from '@/app.module';
import { AllExceptionsFilter } from '@/common/http-exception.filter';
import { AppConfig } from '@/config/app-config';
import { registerHttpMetrics } from '@/monitoring/http-metrics';
import { prepareSimulatedBroker } from '@/simulated-mode';
import { setupSwagger } from '@/swagger';

export const API_PREFIX = 'api/v1';
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the configured Fastify-based Nest application (not yet listening). Used by main() and the e2e tests. */
export async function createApp(
  config: AppConfig,
  opts: { logger?: boolean } = {},
): Promise<NestFastifyApplication> {
  const simulator = await prepareSimulatedBroker(config);
  const tls =
    config.env.TLS_CERT_FILE && config.env.TLS_KEY_FILE
      ? { key: readFileSync(config.env.TLS_KEY_FILE), cert: readFileSync(config.env.TLS_CERT_FILE) }
      : undefined;
  const adapter = new FastifyAdapter({
    bodyLimit: config.env.BODY_LIMIT_BYTES,
    trustProxy: 'loopback,uniquelocal',
    // Carry a caller's X-Request-Id when it is sane; otherwise mint one.
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    ...(tls ? { https: tls } : {}),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    logger: opts.logger === false ? false : undefined,
  });
  if (opts.logger !== false) app.useLogger(app.get(PinoLogger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (req, reply, done) => {
    (req.raw as { id?: string }).id = String(req.id);
    void reply.header('x-request-id', req.id);
    done();
  });
  registerHttpMetrics(fastify);
  await app.register(helmet, {
    // Swagger UI needs inline styles and scripts; everything else is JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
      },
    },
    hsts: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  if (config.corsOrigins.length) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      credentials: true,
    });
  }
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => validationException(errors),
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useWebSocketAdapter(new WsAdapter(app));
  app.enableShutdownHooks();
  if (simulator) {
    // The embedded simulator outlives the app's own connections to it, then closes.
    fastify.addHook('onClose', async () => simulator.close());
  }
  await setupSwagger(app);
  return app;
}

/** 400 naming each bad field and why: `{field, errors[]}` in details, a readable sentence in message. */
export function validationException(errors: ValidationError[]): BadRequestException {
  const fields: { field: string; errors: string[] }[] = [];
  const walk = (errs: ValidationError[], path: string) => {
    for (const e of errs) {
      const field = path ? `${path}.${e.property}` : e.property;
      if (e.constraints) fields.push({ field, errors: Object.values(e.constraints) });
      if (e.children?.length) walk(e.children, field);
    }
  };
  walk(errors, '');
  return new BadRequestException({
    code: 'VALIDATION_FAILED',
    message: fields.map((f) => f.errors.join(', ')).join('; '),
    details: fields,
  });
}

export function logStartup(config: AppConfig): void {
  const log = new Logger('Bootstrap');
  for (const w of config.warnings) log.warn(w);
}
