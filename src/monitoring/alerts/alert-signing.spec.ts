import { signWebhook, verifyWebhook } from './alert-signing';

describe('webhook signatures', () => {
  const body = '{"alert":{"key":"risk.kill_switch"}}';
  const secret = 's3cret-for-tests-only';

  it('accepts a fresh, correctly signed body', () => {
    const sig = signWebhook(body, 1_700_000_000, secret);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook(body, { signature: sig, timestamp: '1700000000' }, secret, 1_700_000_010)).toEqual({
      ok: true,
    });
  });

  it('refuses a replay outside the tolerance even with a valid signature', () => {
    const sig = signWebhook(body, 1_700_000_000, secret);
    expect(verifyWebhook(body, { signature: sig, timestamp: '1700000000' }, secret, 1_700_000_301)).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('refuses a tampered body, a moved timestamp, a wrong secret and missing headers', () => {
    const sig = signWebhook(body, 1_700_000_000, secret);
    expect(
      verifyWebhook(
        body.replace('kill', 'kilt'),
        { signature: sig, timestamp: '1700000000' },
        secret,
        1_700_000_000,
      ).ok,
    ).toBe(false);
    expect(verifyWebhook(body, { signature: sig, timestamp: '1700000001' }, secret, 1_700_000_000)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyWebhook(body, { signature: sig, timestamp: '1700000000' }, 'other', 1_700_000_000)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyWebhook(body, { timestamp: '1700000000' }, secret, 1_700_000_000)).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(verifyWebhook(body, { signature: sig, timestamp: 'yesterday' }, secret, 1_700_000_000)).toEqual({
      ok: false,
      reason: 'missing',
    });
  });
});
