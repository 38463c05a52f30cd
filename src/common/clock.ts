/** The clock port: live code uses SystemClock; the backtester and tests use a manual clock. */
export abstract class Clock {
  abstract now(): number; // epoch milliseconds, UTC
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

export class ManualClock extends Clock {
  constructor(private t = 0) {
    super();
  }
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
