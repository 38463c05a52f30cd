/**
 * Progress writes for a run whose work reports progress synchronously (the optimiser's callbacks come
 * from worker-thread messages): at most one write in flight, at most one every `everyMs`, the latest
 * value written after the one in flight, and never a value below one already written, so the stored
 * progress only moves forward. A write that finds the run no longer running sets `refused`.
 */
export class ProgressWriter {
  refused = false;
  private written = 0;
  private pending: number | null = null;
  private lastAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly write: (progress: number) => Promise<boolean>,
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  report(progress: number): void {
    if (this.refused || progress <= this.written) return;
    this.pending = Math.max(this.pending ?? 0, progress);
    if (!this.inFlight && this.now() - this.lastAt >= this.everyMs) this.drain();
  }

  /** Resolves once no write is in flight (the last reported value may stay unwritten if throttled). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private drain(): void {
    const value = this.pending;
    if (value === null || this.refused) return;
    this.pending = null;
    this.lastAt = this.now();
    this.written = value;
    this.inFlight = this.write(value).then(
      (ok) => {
        this.inFlight = null;
        if (!ok) this.refused = true;
        else if (this.pending !== null && this.now() - this.lastAt >= this.everyMs) this.drain();
      },
      () => {
        // A failed write is only a missed progress report; the next one tries again.
        this.inFlight = null;
      },
    );
  }
}
