import { BadRequestException, NotFoundException } from '@nestjs/common';
import { BrokerError } from '@/broker/broker.errors';
import { AppError } from './errors';
import { toErrorBody } from './http-exception.filter';

describe('toErrorBody', () => {
  it('keeps an AppError code and status', () => {
    expect(toErrorBody(new AppError('X_CODE', 'nope', 409, { a: 1 }), 'r1')).toEqual({
      statusCode: 409,
      code: 'X_CODE',
      message: 'nope',
      details: { a: 1 },
      requestId: 'r1',
    });
  });

  it('maps Nest HTTP exceptions to the one body', () => {
    expect(toErrorBody(new NotFoundException('Cannot GET /x'), 'r2')).toMatchObject({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Cannot GET /x',
    });
    expect(toErrorBody(new BadRequestException(['a must be a string', 'b is missing']), 'r3')).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
    });
  });

  it('answers 503 naming the broker route when the broker fails a call', () => {
    const body = toErrorBody(new BrokerError('unavailable', 'getRMS', 'connect ECONNREFUSED'), 'r4');
    expect(body).toMatchObject({
      statusCode: 503,
      code: 'BROKER_UNAVAILABLE',
      details: { route: 'getRMS', kind: 'unavailable' },
    });
  });

  it('never leaks an unexpected error: 500 with a generic message', () => {
    const body = toErrorBody(new Error('secret stack detail at /srv/x.ts:12'), 'r5');
    expect(body).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'internal error',
      requestId: 'r5',
    });
  });

  it('keeps client errors from Fastify (malformed JSON, too large) as 4xx', () => {
    expect(
      toErrorBody(
        Object.assign(new Error('Unexpected end'), {
          statusCode: 400,
          code: 'FST_ERR_CTP_INVALID_JSON_BODY',
        }),
        'r6',
      ).statusCode,
    ).toBe(400);
    expect(
      toErrorBody(
        Object.assign(new Error('too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }),
        'r7',
      ),
    ).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});
