import { Injectable } from '@nestjs/common';

export interface HealthCheckResult {
  up: boolean;
  details?: Record<string, unknown>;
}

export interface HealthCheckEntry {
  name: string;
  check: () => Promise<HealthCheckResult>;
  /** A critical check that is down makes /health/ready answer 503; a non-critical one reports "degraded". */
  critical: boolean;
}

/** Modules register their readiness checks here (database, Redis, broker session, feed freshness). */
@Injectable()
export class HealthRegistry {
  private readonly entries = new Map<string, HealthCheckEntry>();

  register(name: string, check: () => Promise<HealthCheckResult>, opts: { critical?: boolean } = {}): void {
    this.entries.set(name, { name, check, critical: opts.critical ?? true });
  }

  list(): HealthCheckEntry[] {
    return [...this.entries.values()];
  }
}
