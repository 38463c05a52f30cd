import type { DepthLevel, Tick } from '@/domain/market';

export type NormaliseOutcome =
  { ok: true; tick: Tick } | { ok: false; reason: 'BAD_PRICE' | 'BAD_TIME' | 'DUPLICATE' };

/**
 * Cleans broker ticks before anything else sees them. The adapter already speaks paise; this layer
 * guards the invariants the rest of the platform relies on: integer prices (negative allowed only on MCX,
 * where negative prices have happened), a plausible exchange time (falls back to receive time when the
 * feed leaves it empty, as index feeds do), depth sorted best-first without empty levels, and exact
 * duplicates (same time, price and cumulative volume, as resent after a reconnect) dropped.
 */
export class TickNormaliser {
  private readonly last = new Map<string, { t: number; p: number; v: number | undefined }>();

  constructor(private readonly opts: { maxFutureSkewMs?: number } = {}) {}

  normalise(tick: Tick, receivedAt: number): NormaliseOutcome {
    const p = tick.ltpPaise;
    if (!Number.isSafeInteger(p) || (p <= 0 && tick.exchange !== 'MCX'))
      return { ok: false, reason: 'BAD_PRICE' };
    let t = tick.exchangeTime;
    if (!Number.isFinite(t) || t <= 0) t = receivedAt;
    if (t > receivedAt + (this.opts.maxFutureSkewMs ?? 60_000)) return { ok: false, reason: 'BAD_TIME' };
    const prev = this.last.get(tick.symbol);
    if (prev && prev.t === t && prev.p === p && prev.v === tick.volume && tick.mode !== 'SNAP')
      return { ok: false, reason: 'DUPLICATE' };
    if (prev) {
      prev.t = t;
      prev.p = p;
      prev.v = tick.volume;
    } else this.last.set(tick.symbol, { t, p, v: tick.volume });
    const out: Tick =
      t === tick.exchangeTime && tick.receivedAt === receivedAt
        ? tick
        : { ...tick, exchangeTime: t, receivedAt };
    if (out.bids) out.bids = cleanDepth(out.bids, true);
    if (out.asks) out.asks = cleanDepth(out.asks, false);
    return { ok: true, tick: out };
  }

  forget(symbol: string): void {
    this.last.delete(symbol);
  }
}

function cleanDepth(levels: DepthLevel[], bids: boolean): DepthLevel[] {
  const kept = levels.filter((l) => l.quantity > 0 && Number.isSafeInteger(l.pricePaise));
  for (let i = 1; i < kept.length; i++) {
    const ordered = bids
      ? kept[i - 1].pricePaise >= kept[i].pricePaise
      : kept[i - 1].pricePaise <= kept[i].pricePaise;
    if (!ordered)
      return kept.sort((a, b) => (bids ? b.pricePaise - a.pricePaise : a.pricePaise - b.pricePaise));
  }
  return kept;
}
