import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures. The signed string is `<unix seconds>.<raw body>`, so a receiver that checks the
 * timestamp against its clock (and remembers alert ids it has seen inside the tolerance) refuses replays.
 * Headers: `X-Signature: sha256=<hex>` and `X-Signature-Timestamp: <unix seconds>`.
 */
export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-signature-timestamp';

export function signWebhook(body: string, timestampSec: number, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'bad_signature' };

/** For receivers (and the tests): constant-time check of signature and freshness. */
export function verifyWebhook(
  body: string,
  headers: { signature?: string; timestamp?: string },
  secret: string,
  nowSec: number,
  toleranceSec = 300,
): VerifyResult {
  if (!headers.signature || !headers.timestamp || !/^\d+$/.test(headers.timestamp))
    return { ok: false, reason: 'missing' };
  const ts = Number(headers.timestamp);
  if (Math.abs(nowSec - ts) > toleranceSec) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signWebhook(body, ts, secret));
  const given = Buffer.from(headers.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}
