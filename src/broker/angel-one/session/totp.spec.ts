import { totpCode } from './totp';

describe('totpCode (otplib 13)', () => {
  it('matches the RFC 6238 Appendix B SHA-1 vectors', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890"
    const times = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000];
    expect(times.map((t) => totpCode(secret, t * 1000))).toEqual([
      '287082',
      '081804',
      '050471',
      '005924',
      '279037',
      '353130',
    ]);
  });

  it('accepts 10-byte seeds and tolerates spaces and lower case, as authenticator apps show them', () => {
    expect(totpCode('jbsw y3dp ehpk 3pxp', 59_000)).toBe(totpCode('JBSWY3DPEHPK3PXP', 59_000));
    expect(totpCode('JBSWY3DPEHPK3PXP', 59_000)).toMatch(/^\d{6}$/);
  });
});
