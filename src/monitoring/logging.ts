import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '@/config/app-config';

/** Paths pino blanks in every log line: credentials in headers, bodies and our own objects. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'req.headers["x-privatekey"]',
  'req.headers["x-feed-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.pin',
  '*.mpin',
  '*.totp',
  '*.totpSecret',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.jwtToken',
  '*.feedToken',
  '*.apiKey',
  '*.key',
];

/**
 * Structured JSON logs (pino) with the request id on every line; pretty, single-line output when
 * developing on a terminal. Request bodies are never logged.
 */
export function loggerOptions(config: AppConfig): Params {
  const pretty = config.env.NODE_ENV === 'development' && process.stdout.isTTY;
  return {
    // One wildcard route: Nest adds the prefix-excluded paths (health, metrics) back for wildcards itself.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.env.DEBUG ? 'debug' : config.env.LOG_LEVEL,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      genReqId: (req) => (req as { id?: string }).id ?? '',
      customProps: (req) => ({ requestId: (req as { id?: string }).id }),
      serializers: {
        req: (req: { id?: string; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => /^\/(health\/live|metrics)\b/.test(req.url ?? '') },
      transport: pretty
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
        : undefined,
    },
  };
}
