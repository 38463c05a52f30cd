/**
 * Rolling maximum or minimum over the last `period` inputs with a monotonic deque held in typed arrays:
 * each input is pushed and popped at most once, so the update is amortised O(1) and allocates nothing.
 */
export class RollingExtreme {
  private readonly vals: Float64Array;
  private readonly seq: Float64Array;
  private head = 0;
  private size = 0;
  private n = 0;

  constructor(
    readonly period: number,
    private readonly max: boolean,
  ) {
    this.vals = new Float64Array(period);
    this.seq = new Float64Array(period);
  }

  update(x: number): number {
    const cap = this.period;
    const seqNo = this.n++;
    // Drop the front when it fell out of the window.
    if (this.size > 0 && this.seq[this.head] <= seqNo - cap) {
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.size--;
    }
    // Drop dominated entries from the back.
    while (this.size > 0) {
      let back = this.head + this.size - 1;
      if (back >= cap) back -= cap;
      const v = this.vals[back];
      if (this.max ? v > x : v < x) break;
      this.size--;
    }
    let slot = this.head + this.size;
    if (slot >= cap) slot -= cap;
    this.vals[slot] = x;
    this.seq[slot] = seqNo;
    this.size++;
    return this.vals[this.head];
  }

  reset(): void {
    this.head = this.size = this.n = 0;
  }
}
