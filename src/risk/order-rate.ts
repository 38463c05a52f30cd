/**
 * Rolling one-second window of accepted orders as a ring of the last N acceptance times: an order is
 * allowed when the N-th most recent acceptance is at least a second old. O(1) per order, no allocation.
 */
export class OrderRateWindow {
  private ring: number[];
  private next = 0;

  constructor(private perSecond: number) {
    this.ring = new Array<number>(Math.max(perSecond, 0)).fill(Number.NEGATIVE_INFINITY);
  }

  /** True when one more order at `now` stays within the limit (0 = unlimited). */
  allows(now: number): boolean {
    if (this.perSecond <= 0) return true;
    return now - this.ring[this.next] >= 1000;
  }

  record(now: number): void {
    if (this.perSecond <= 0) return;
    this.ring[this.next] = now;
    this.next = (this.next + 1) % this.perSecond;
  }

  /** Orders accepted in the second before `now`. */
  countInLastSecond(now: number): number {
    let n = 0;
    for (const t of this.ring) if (now - t < 1000) n++;
    return n;
  }

  resize(perSecond: number): void {
    if (perSecond === this.perSecond) return;
    const recent = [...this.ring].filter(Number.isFinite).sort((a, b) => b - a);
    this.perSecond = perSecond;
    this.ring = new Array<number>(Math.max(perSecond, 0)).fill(Number.NEGATIVE_INFINITY);
    this.next = 0;
    for (const t of recent.slice(0, perSecond).reverse()) this.record(t);
  }
}
