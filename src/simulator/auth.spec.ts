import { generateSync } from 'otplib';
import { ManualClock } from '@/common/clock';
import { SessionStore } from './auth';

const creds = {
  clientCode: 'SIM001',
  pin: '1234',
  totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  apiKey: 'k',
};
const T0 = Date.UTC(2026, 10, 27, 4, 0, 15); // 09:30:15 IST
const codeAt = (ms: number): string =>
  generateSync({ secret: creds.totpSecret, epoch: Math.floor(ms / 1000) });

describe('SessionStore (TOTP login and JWTs)', () => {
  let clock: ManualClock;
  let store: SessionStore;
  beforeEach(() => {
    clock = new ManualClock(T0);
    store = new SessionStore(creds, clock);
  });

  it('logs in with client code, MPIN and the current RFC 6238 code', () => {
    const out = store.login('SIM001', '1234', codeAt(T0));
    expect(out.ok).toBe(true);
  });

  it('accepts one step of drift either way and refuses two steps with AB1050', () => {
    expect(store.login('SIM001', '1234', codeAt(T0 - 30_000)).ok).toBe(true);
    expect(store.login('SIM001', '1234', codeAt(T0 + 30_000)).ok).toBe(true);
    expect(store.login('SIM001', '1234', codeAt(T0 - 60_000))).toEqual({
      ok: false,
      errorcode: 'AB1050',
      message: 'Invalid totp',
    });
    expect(store.login('SIM001', '1234', '12345')).toMatchObject({ ok: false, errorcode: 'AB1050' });
  });

  it('refuses a wrong client code or MPIN before looking at the TOTP', () => {
    expect(store.login('SIM002', '1234', codeAt(T0))).toMatchObject({ ok: false, errorcode: 'AB1007' });
    expect(store.login('SIM001', '9999', codeAt(T0))).toMatchObject({ ok: false, errorcode: 'AB1007' });
    expect(store.login(undefined, undefined, undefined)).toMatchObject({ ok: false, errorcode: 'AB1007' });
  });

  it('verifies the jwt with or without Bearer, and only as the kind it was issued for', () => {
    const out = store.login('SIM001', '1234', codeAt(T0));
    if (!out.ok) throw new Error('login failed');
    const { jwtToken, feedToken, refreshToken } = out.tokens;
    expect(store.verify(jwtToken, 'access')).toMatchObject({ ok: true, clientCode: 'SIM001' });
    expect(store.verify(`Bearer ${jwtToken}`, 'access')).toMatchObject({ ok: true });
    expect(store.verify(feedToken, 'feed')).toMatchObject({ ok: true });
    expect(store.verify(feedToken, 'access')).toEqual({ ok: false, reason: 'invalid' });
    expect(store.verify(`${jwtToken.slice(0, -2)}xx`, 'access')).toEqual({ ok: false, reason: 'invalid' });
    expect(store.verify(undefined, 'access')).toEqual({ ok: false, reason: 'missing' });
    expect(store.refresh(refreshToken)).toMatchObject({ ok: true });
    expect(store.refresh(jwtToken)).toMatchObject({ ok: false, errorcode: 'AB8050' });
  });

  it('expires tokens at the daily cutoff and at logout', () => {
    const a = store.login('SIM001', '1234', codeAt(T0));
    if (!a.ok) throw new Error('login failed');
    clock.advance(20 * 3_600_000); // past 05:00 IST the next day
    expect(store.verify(a.tokens.jwtToken, 'access')).toEqual({ ok: false, reason: 'expired' });
    const b = store.login('SIM001', '1234', codeAt(clock.now()));
    if (!b.ok) throw new Error('login failed');
    const check = store.verify(b.tokens.jwtToken, 'access');
    if (!check.ok) throw new Error('fresh token refused');
    store.logout(check.sid);
    expect(store.verify(b.tokens.jwtToken, 'access')).toEqual({ ok: false, reason: 'expired' });
    expect(store.refresh(b.tokens.refreshToken)).toMatchObject({ ok: false, errorcode: 'AB8051' });
  });
});
