import { randomUUID } from 'node:crypto';
import { Clock, SystemClock } from '@/common/clock';
import { counter } from '@/monitoring/metrics';
import { AlertStore } from './alert-store';
import {
  SEVERITY_RANK,
  type AlertChannel,
  type AlertInput,
  type AlertMessage,
  type AlertSeverity,
  type AlertStatus,
  type DeliveryResult,
  type RaiseOutcome,
} from './alert.types';

/** Cross-process de-duplication (Redis `SET NX PX` in the app): true when this process may deliver. */
export interface DedupClaim {
  claim(key: string, severity: AlertSeverity, windowMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
}

/** Nest's Logger fits; the default writes to stderr. */
export interface AlertLogger {
  warn(message: string): void;
  error(message: string): void;
}

const stderrLogger: AlertLogger = {
  warn: (m) => process.stderr.write(`[Alerts] ${m}\n`),
  error: (m) => process.stderr.write(`[Alerts] ${m}\n`),
};

export interface AlertServiceOptions {
  logger?: AlertLogger;
  channels: AlertChannel[];
  store?: AlertStore;
  clock?: Clock;
  /** A key raised again within this window is recorded as a repeat, not delivered. Default 5 min. */
  dedupWindowMs?: number;
  /** At most `max` deliveries per `windowMs` for info and warning alerts; critical ones always go. */
  rateLimit?: { max: number; windowMs: number };
  dedup?: DedupClaim;
  /** Delivery attempts per channel (with a short backoff between them). Default 2. */
  attempts?: number;
  retryDelayMs?: number;
}

interface Recent {
  id: string;
  at: number;
  severity: AlertSeverity;
  suppressed: number;
}

const raised = counter({
  name: 'trading_bot_alerts_raised_total',
  help: 'In-app alerts raised (after de-duplication)',
  labelNames: ['severity'],
});
const deliveries = counter({
  name: 'trading_bot_alert_deliveries_total',
  help: 'Alert deliveries by channel and outcome (sent, failed, rate_limited)',
  labelNames: ['channel', 'outcome'],
});

/**
 * Raises alerts to every configured channel, de-duplicated per key and rate-limited, and keeps their
 * history. `raise` never throws: a broken channel or database must not break the trading code calling it.
 * A repeat with a higher severity than the one delivered is not a duplicate (warning -> critical escalates).
 */
export class AlertService {
  private readonly logger: AlertLogger;
  private readonly clock: Clock;
  private readonly dedupWindowMs: number;
  private readonly rateLimit: { max: number; windowMs: number };
  private readonly recent = new Map<string, Recent>();
  private readonly sentAt: number[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly opts: AlertServiceOptions) {
    this.clock = opts.clock ?? new SystemClock();
    this.logger = opts.logger ?? stderrLogger;
    this.dedupWindowMs = opts.dedupWindowMs ?? 5 * 60_000;
    this.rateLimit = opts.rateLimit ?? { max: 20, windowMs: 60_000 };
  }

  get channelNames(): string[] {
    return this.opts.channels.map((c) => c.name);
  }

  async raise(input: AlertInput): Promise<RaiseOutcome> {
    const p = this.doRaise(input).catch((err: Error): RaiseOutcome => {
      this.logger.error(`alert ${input.key} could not be raised: ${err.message}`);
      return { outcome: 'failed', id: '', deliveries: [] };
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  /** Clears de-duplication for `key` (the condition ended) so the next occurrence alerts at once. */
  async resolve(key: string): Promise<void> {
    this.recent.delete(key);
    await this.opts.dedup?.release(key).catch(() => undefined);
    await this.opts.store
      ?.resolve(key, new Date(this.clock.now()))
      .catch((err: Error) => this.logger.warn(`alert history: ${err.message}`));
  }

  /** Waits for deliveries in progress (shutdown and tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async doRaise(input: AlertInput): Promise<RaiseOutcome> {
    const now = this.clock.now();
    const prev = this.recent.get(input.key);
    const duplicate = this.opts.dedup
      ? // shared across processes: Redis decides, so a resolve in one process re-arms all of them
        !(await this.opts.dedup.claim(input.key, input.severity, this.dedupWindowMs).catch(() => true))
      : prev !== undefined &&
        now - prev.at < this.dedupWindowMs &&
        SEVERITY_RANK[input.severity] <= SEVERITY_RANK[prev.severity];
    if (duplicate) {
      if (prev) {
        prev.suppressed++;
        await this.store((s) => s.repeat(prev.id, new Date(now)));
      }
      return { outcome: 'deduplicated', id: prev?.id };
    }

    const msg: AlertMessage = {
      ...input,
      title: input.title.slice(0, 300),
      key: input.key.slice(0, 200),
      id: randomUUID(),
      at: new Date(now).toISOString(),
      suppressed: prev?.suppressed ?? 0,
    };
    this.forgetOlderThan(now - this.dedupWindowMs);
    this.recent.set(input.key, { id: msg.id, at: now, severity: input.severity, suppressed: 0 });
    raised.inc({ severity: input.severity });

    const limited = input.severity !== 'critical' && !this.takeRateToken(now);
    const initial: AlertStatus = limited
      ? 'rate_limited'
      : this.opts.channels.length === 0
        ? 'no_channel'
        : 'sending';
    await this.store((s) =>
      s.insert({
        id: msg.id,
        key: msg.key,
        severity: msg.severity,
        title: msg.title,
        details: msg.details ?? {},
        status: initial,
        deliveries: [],
        occurrences: 1,
        createdAt: new Date(now),
        lastSeenAt: new Date(now),
        resolvedAt: null,
      }),
    );
    if (limited) {
      for (const c of this.opts.channels) deliveries.inc({ channel: c.name, outcome: 'rate_limited' });
      this.logger.warn(`alert ${msg.key} rate-limited (recorded, not delivered): ${msg.title}`);
      return { outcome: 'rate_limited', id: msg.id };
    }
    if (initial === 'no_channel') {
      this.logger.warn(`alert ${msg.key} [${msg.severity}] ${msg.title} (no channel configured)`);
      return { outcome: 'no_channel', id: msg.id };
    }

    const results = await Promise.all(this.opts.channels.map((c) => this.deliver(c, msg)));
    const ok = results.filter((r) => r.ok).length;
    const status = ok === results.length ? 'delivered' : ok === 0 ? 'failed' : 'partial';
    await this.store((s) => s.finish(msg.id, status, results));
    return { outcome: status, id: msg.id, deliveries: results };
  }

  private forgetOlderThan(t: number): void {
    if (this.recent.size < 1000) return;
    for (const [k, r] of this.recent) if (r.at < t) this.recent.delete(k);
  }

  private takeRateToken(now: number): boolean {
    while (this.sentAt.length > 0 && now - this.sentAt[0] >= this.rateLimit.windowMs) this.sentAt.shift();
    if (this.sentAt.length >= this.rateLimit.max) return false;
    this.sentAt.push(now);
    return true;
  }

  private async deliver(channel: AlertChannel, msg: AlertMessage): Promise<DeliveryResult> {
    const attempts = this.opts.attempts ?? 2;
    let error = '';
    for (let i = 1; i <= attempts; i++) {
      try {
        await channel.send(msg);
        deliveries.inc({ channel: channel.name, outcome: 'sent' });
        return { channel: channel.name, ok: true, attempts: i };
      } catch (err) {
        error = (err as Error).message;
        if (i < attempts) await new Promise((r) => setTimeout(r, this.opts.retryDelayMs ?? 500));
      }
    }
    deliveries.inc({ channel: channel.name, outcome: 'failed' });
    this.logger.error(`alert ${msg.key} not delivered to ${channel.name}: ${error}`);
    return { channel: channel.name, ok: false, error, attempts };
  }

  private async store(fn: (s: AlertStore) => Promise<void>): Promise<void> {
    if (!this.opts.store) return;
    try {
      await fn(this.opts.store);
    } catch (err) {
      this.logger.warn(`alert history not written: ${(err as Error).message}`);
    }
  }
}
