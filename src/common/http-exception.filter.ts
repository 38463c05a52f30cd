import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { AppError, ErrorCode, type ErrorBody } from './errors';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.TooManyRequests,
  503: ErrorCode.ServiceUnavailable,
};

/**
 * Maps every error to one body `{statusCode, code, message, details?, requestId}`. Client mistakes keep
 * their 4xx; anything unexpected is a 500 with a generic message, logged with its stack server-side only.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const body = toErrorBody(exception, String(req.id ?? ''));
    if (body.statusCode >= 500 && body.statusCode !== 503) {
      this.logger.error(
        { err: exception, requestId: body.requestId },
        `unhandled error on ${req.method} ${req.url}`,
      );
    }
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}

export function toErrorBody(exception: unknown, requestId: string): ErrorBody {
  if (exception instanceof AppError) {
    return {
      statusCode: exception.httpStatus,
      code: exception.code,
      message: exception.message,
      details: exception.details,
      requestId,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    if (isHealthReport(res))
      return {
        statusCode: status,
        code: ErrorCode.ServiceUnavailable,
        message: 'not ready',
        requestId,
        ...res,
      };
    if (typeof res === 'object' && res !== null) {
      const r = res as { message?: unknown; code?: string; details?: unknown; error?: string };
      if (Array.isArray(r.message)) {
        return {
          statusCode: status,
          code: ErrorCode.ValidationFailed,
          message: r.message.join('; '),
          details: r.details ?? r.message,
          requestId,
        };
      }
      return {
        statusCode: status,
        code: r.code ?? STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest),
        message: typeof r.message === 'string' ? r.message : (r.error ?? exception.message),
        details: r.details,
        requestId,
      };
    }
    return {
      statusCode: status,
      code: STATUS_CODES[status] ?? ErrorCode.Internal,
      message: String(res),
      requestId,
    };
  }
  const fastifyErr = exception as { statusCode?: number; code?: string; message?: string };
  if (
    typeof fastifyErr?.statusCode === 'number' &&
    fastifyErr.statusCode >= 400 &&
    fastifyErr.statusCode < 500
  ) {
    // Fastify's own client errors: malformed JSON, body too large, bad content type.
    const status = fastifyErr.statusCode;
    const message =
      fastifyErr.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'request body is too large'
        : fastifyErr.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported content type'
          : status === 400
            ? `malformed request body: ${fastifyErr.message ?? ''}`.trim()
            : (fastifyErr.message ?? 'bad request');
    return { statusCode: status, code: STATUS_CODES[status] ?? ErrorCode.BadRequest, message, requestId };
  }
  if (
    exception instanceof QueryFailedError &&
    (exception.driverError as { code?: string })?.code === '23505'
  ) {
    return {
      statusCode: HttpStatus.CONFLICT,
      code: ErrorCode.Conflict,
      message: 'a record with the same key already exists',
      requestId,
    };
  }
  if (isBrokerFailure(exception)) {
    // The broker (or the simulator) failed a call a route depended on: the client did nothing wrong.
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      code: 'BROKER_UNAVAILABLE',
      message: `the broker could not answer: ${exception.message}`,
      details: { route: exception.route, kind: exception.kind, brokerCode: exception.code ?? undefined },
      requestId,
    };
  }
  if (isConnectionError(exception)) {
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      code: ErrorCode.ServiceUnavailable,
      message: 'a backing service is unavailable; nothing was changed',
      requestId,
    };
  }
  return { statusCode: 500, code: ErrorCode.Internal, message: 'internal error', requestId };
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ETIMEDOUT' ||
    code === 'ECONNRESET' ||
    /Connection terminated|connect ECONNREFUSED/.test(String((e as Error)?.message))
  );
}

/** Terminus' readiness report ({status, info, error, details}) keeps its documented shape on a 503. */
function isHealthReport(
  res: unknown,
): res is { status: string; info: object; error: object; details: object } {
  return typeof res === 'object' && res !== null && 'status' in res && 'details' in res && 'error' in res;
}

/** BrokerError by shape (src/broker/broker.errors.ts); its message is already trimmed and free of secrets. */
function isBrokerFailure(
  e: unknown,
): e is { message: string; route: string; kind: string; code: string | null } {
  return e instanceof Error && e.name === 'BrokerError' && typeof (e as { kind?: unknown }).kind === 'string';
}
