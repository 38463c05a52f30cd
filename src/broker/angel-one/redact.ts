/** Scrubs secrets out of anything that may reach a log, an error or a file. */
const JWT_RE = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;

export function redact(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let out = text.replace(JWT_RE, '[redacted-jwt]');
  for (const s of secrets) {
    // Very short values (a 4-digit PIN) are still secrets; only skip empties.
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}

export function trimBody(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
