import pino from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '@/config/app-config';
import { loggerOptions, REDACT_PATHS } from './logging';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('structured logging', () => {
  it('redacts credentials wherever they appear in a logged object', () => {
    const { lines, stream } = capture();
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
    log.info(
      {
        req: { headers: { authorization: 'Bearer eyJhbGciOi.secret.jwt', 'x-api-key': 'tbk_live_key' } },
        login: {
          username: 'asha',
          password: 'hunter2-password',
          totpSecret: 'JBSWY3DPEHPK3PXP',
          pin: '4321',
        },
        session: { jwtToken: 'jwt-value', refreshToken: 'refresh-value', feedToken: 'feed-value' },
      },
      'login attempt',
    );
    const out = lines.join('');
    for (const secret of [
      'eyJhbGciOi.secret.jwt',
      'tbk_live_key',
      'hunter2-password',
      'JBSWY3DPEHPK3PXP',
      '4321',
      'jwt-value',
      'refresh-value',
      'feed-value',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('asha');
    expect(out).toContain('[redacted]');
  });

  it('logs requests by id, method and URL only: never headers or bodies', () => {
    const opts = loggerOptions(loadConfig({ LOG_LEVEL: 'info' }));
    const http = opts.pinoHttp as { serializers: { req: (r: object) => object } };
    const shown = http.serializers.req({
      id: 'r1',
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { authorization: 'Bearer x' },
      body: { password: 'p' },
    });
    expect(shown).toEqual({ id: 'r1', method: 'POST', url: '/api/v1/auth/login' });
  });
});
