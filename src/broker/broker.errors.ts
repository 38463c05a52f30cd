/**
 * One typed error for every broker failure. `kind` is what callers branch on:
 * - `rejected`: the broker definitely refused (nothing was placed);
 * - `ambiguous`: the request may have taken effect (timeout, 5xx, dropped connection, or a rate-limit
 *   answer after sending): resolve by looking the order up by its tag, never by resending;
 * - `rate_limited`: refused before being acted on because a limit was hit;
 * - `auth`: the session is invalid or the credentials are wrong;
 * - `unavailable`: the broker could not be reached and nothing was sent;
 * - `invalid_response`: the reply did not match the expected shape.
 * Messages never carry secrets: bodies are trimmed and redacted before they get here.
 */
export type BrokerErrorKind =
  'rejected' | 'ambiguous' | 'rate_limited' | 'auth' | 'unavailable' | 'invalid_response';

export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  constructor(
    readonly kind: BrokerErrorKind,
    /** Which call failed: the SmartAPI route name (e.g. `placeOrder`) or a gateway operation. */
    readonly route: string,
    message: string,
    /** Broker error code (`AB1050`, `AG8001`...) or the HTTP status as text. */
    readonly code: string | null = null,
    readonly httpStatus: number | null = null,
  ) {
    super(`${route}: ${message}${code ? ` (${code})` : ''}`);
  }

  /** True when retrying the same read is reasonable. Never used for order writes. */
  get retriable(): boolean {
    return this.kind === 'unavailable' || this.kind === 'ambiguous' || this.kind === 'rate_limited';
  }
}

export function isBrokerError(e: unknown): e is BrokerError {
  return e instanceof BrokerError;
}

/** Codes that mean the JWT is no longer good: one re-login is allowed. */
export const EXPIRED_SESSION_CODES: ReadonlySet<string> = new Set([
  'AG8001',
  'AG8002',
  'AG8003',
  'AB1010',
  'AB1011',
]);
/** Codes that mean the credentials themselves are wrong: retrying cannot help. */
export const BAD_CREDENTIAL_CODES: ReadonlySet<string> = new Set([
  'AB1000',
  'AB1007',
  'AB1050',
  'AB7001',
  'AB1032',
  'AB1006',
]);
