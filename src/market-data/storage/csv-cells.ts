/**
 * Splits one CSV line into trimmed cells. Candle files are plain comma-separated numbers, so the common
 * case is a bare split; quotes are handled per RFC 4180 within the line. A quoted newline is not
 * supported (no candle cell needs one), which keeps every finding on its true line number.
 */
/** Cells of one line: plain split, or RFC 4180 quoting when the line has quotes (no embedded newlines). */
export function cellsOf(raw: string): string[] | null {
  if (!raw.includes('"')) return raw.split(',').map((c) => c.trim());
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (raw[i] === ' ' || raw[i] === '\t') i++;
    let cell = '';
    if (raw[i] === '"') {
      for (i++; ; i++) {
        if (i >= raw.length) return null;
        if (raw[i] === '"') {
          if (raw[i + 1] !== '"') break;
          i++;
        }
        cell += raw[i];
      }
      i++;
      while (raw[i] === ' ' || raw[i] === '\t') i++;
      if (i < raw.length && raw[i] !== ',') return null;
    } else {
      const end = raw.indexOf(',', i);
      cell = raw.slice(i, end < 0 ? raw.length : end).trim();
      i = end < 0 ? raw.length : end;
    }
    out.push(cell);
    if (i >= raw.length) return out;
    i++; // the comma
  }
}
