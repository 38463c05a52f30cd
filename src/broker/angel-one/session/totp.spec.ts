import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * otplib 13 ships ESM only; plain Node 20.19+ can require it but jest's module runtime cannot, so this
 * runs the real totp.ts in a child Node process and checks RFC 6238 Appendix B vectors (SHA-1, 6 digits).
 */
describe('totpCode (otplib 13)', () => {
  it('matches the RFC 6238 SHA-1 test vectors', () => {
    const root = join(__dirname, '../../../..');
    const script = `
      const { totpCode } = require('./src/broker/angel-one/session/totp.ts');
      const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890"
      const times = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000];
      console.log(JSON.stringify(times.map((t) => totpCode(secret, t * 1000))));
      console.log(totpCode('jbsw y3dp ehpk 3pxp', 59000));`;
    const out = execFileSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '-e', script],
      {
        cwd: root,
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
        encoding: 'utf8',
      },
    )
      .trim()
      .split('\n');
    expect(JSON.parse(out[0])).toEqual(['287082', '081804', '050471', '005924', '279037', '353130']);
    expect(out[1]).toMatch(/^\d{6}$/);
  });
});
