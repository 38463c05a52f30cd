/** JSON with object keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

const SECRET_KEY_RE = /pass(word)?|secret|token|pin$|^pin|totp|api[-_]?key|authorization|cookie/i;

/** Replaces the values of secret-looking keys, at any depth, before anything is stored or logged. */
export function redactSecrets<T>(v: T): T {
  if (Array.isArray(v)) return v.map(redactSecrets) as T;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEY_RE.test(k) ? '[redacted]' : redactSecrets(x);
    return out as T;
  }
  return v;
}
