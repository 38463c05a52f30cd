import { createGuardrails, generateSync } from 'otplib';

/**
 * RFC 6238 codes (SHA-1, 6 digits, 30 s) as Angel One's authenticator enrolment expects. otplib 13 refuses
 * seeds under 16 bytes by default; some enrolment seeds are 10 bytes (16 base32 chars), so allow those.
 */
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

export function totpCode(secret: string, epochMs: number = Date.now()): string {
  return generateSync({
    secret: secret.replace(/\s+/g, '').toUpperCase(),
    epoch: Math.floor(epochMs / 1000),
    guardrails,
  });
}
