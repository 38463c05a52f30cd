/**
 * One HTTP call to SmartAPI: §1.1 headers with true values, a timeout on every call, both error
 * envelopes and the plain-text rate-limit body turned into `BrokerError`s, every reply validated.
 * Reads retry with exponential backoff and jitter; writes (orders) are sent exactly once, and any
 * unclear outcome of a write is `ambiguous` so the orders module looks it up by tag instead of resending.
 */
import type { z } from 'zod';
import {
  BAD_CREDENTIAL_CODES,
  BrokerError,
  EXPIRED_SESSION_CODES,
  type BrokerErrorKind,
} from '@/broker/broker.errors';
import { countBrokerError } from '@/broker/broker.metrics';
import { counter, histogram } from '@/monitoring/metrics';
import { detectNetworkIdentity, type NetworkIdentity } from './network-identity';
import type { RateLimiter } from './rate-limiter';
import { redact, trimBody } from './redact';
import type { RouteDef } from './routes';
import { envelope } from './schemas';

const requests = counter({
  name: 'trading_bot_broker_requests_total',
  help: 'SmartAPI REST calls by route and outcome',
  labelNames: ['route', 'outcome'] as const,
});
const latency = histogram({
  name: 'trading_bot_broker_request_seconds',
  help: 'SmartAPI REST call latency',
  labelNames: ['route'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
});

export interface HttpTransportOptions {
  baseUrl: string;
  apiKey: string;
  /** The registered static IP orders leave from (`ANGEL_PUBLIC_IP`); never looked up online. */
  publicIp: string;
  identity?: NetworkIdentity;
  timeoutMs?: number;
  readRetries?: number;
  retryBaseMs?: number;
  limiter?: RateLimiter;
  fetchImpl?: typeof fetch;
  /** Current secret values (PIN, TOTP seed, tokens...) scrubbed from every error message. */
  secrets?: () => readonly (string | null | undefined)[];
}

export interface CallOptions {
  body?: unknown;
  pathSuffix?: string;
  jwt?: string | null;
  priority?: 'high' | 'normal';
  segment?: string;
}

const AMBIGUOUS_APP_CODES = new Set(['AB1004', 'AB2000', 'AB2001']);

export class HttpTransport {
  private readonly identity: NetworkIdentity;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: HttpTransportOptions) {
    this.identity = opts.identity ?? detectNetworkIdentity();
    this.fetchImpl = opts.fetchImpl ?? fetch;
  }

  get networkIdentity(): NetworkIdentity & { publicIp: string } {
    return { ...this.identity, publicIp: this.opts.publicIp };
  }

  async call<S extends z.ZodType>(route: RouteDef, schema: S, o: CallOptions = {}): Promise<z.output<S>> {
    const attempts = route.write ? 1 : 1 + (this.opts.readRetries ?? 2);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(route, schema, o);
      } catch (e) {
        if (!(e instanceof BrokerError) || route.write || attempt >= attempts || !e.retriable) throw e;
        const base = (this.opts.retryBaseMs ?? 250) * 2 ** (attempt - 1);
        await sleep(base + Math.random() * base);
      }
    }
  }

  private async once<S extends z.ZodType>(route: RouteDef, schema: S, o: CallOptions): Promise<z.output<S>> {
    if (this.opts.limiter)
      await this.opts.limiter.acquire(route, { priority: o.priority, segment: o.segment });
    const url = `${this.opts.baseUrl.replace(/\/$/, '')}${route.path}${o.pathSuffix ?? ''}`;
    const headers = this.headers(route, o.jwt);
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      const res = await this.fetchImpl(url, {
        method: route.method,
        headers,
        body: route.method === 'POST' ? JSON.stringify(o.body ?? {}) : undefined,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 7000),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      throw this.fail(route, this.networkKind(route, e), this.networkMessage(e), null, null);
    } finally {
      latency.observe({ route: route.name }, (performance.now() - started) / 1000);
    }
    return this.interpret(route, schema, status, text);
  }

  private interpret<S extends z.ZodType>(
    route: RouteDef,
    schema: S,
    status: number,
    text: string,
  ): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (/exceeding access rate/i.test(text)) {
        // The broker refused on rate; for a write we cannot prove it was not acted on.
        throw this.fail(
          route,
          route.write ? 'ambiguous' : 'rate_limited',
          'broker rate limit exceeded',
          'RATE_LIMIT',
          status,
        );
      }
      const kind: BrokerErrorKind =
        status >= 500 || route.write ? (route.write ? 'ambiguous' : 'unavailable') : 'invalid_response';
      throw this.fail(
        route,
        kind,
        `HTTP ${status}, non-JSON body: ${this.scrub(trimBody(text))}`,
        String(status),
        status,
      );
    }
    if (status >= 500) {
      throw this.fail(
        route,
        route.write ? 'ambiguous' : 'unavailable',
        `HTTP ${status}: ${this.scrub(trimBody(text))}`,
        String(status),
        status,
      );
    }
    const env = envelope.safeParse(json);
    if (!env.success)
      throw this.fail(
        route,
        'invalid_response',
        `unexpected envelope: ${this.scrub(trimBody(text))}`,
        null,
        status,
      );
    const e = env.data;
    const ok = 'status' in e ? e.status : e.success;
    const code = ('errorcode' in e ? e.errorcode : 'errorCode' in e ? e.errorCode : null) || null;
    if (ok !== true && ok !== 'true') {
      const message = this.scrub(e.message ?? 'request failed');
      throw this.fail(route, this.appKind(route, code), message, code, status);
    }
    const data = schema.safeParse(e.data);
    if (!data.success) {
      const issue = data.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(data)'}: ${issue.message}` : 'invalid';
      throw this.fail(
        route,
        'invalid_response',
        `reply failed validation at ${where}; body: ${this.scrub(trimBody(text))}`,
        null,
        status,
      );
    }
    requests.inc({ route: route.name, outcome: 'ok' });
    return data.data;
  }

  private appKind(route: RouteDef, code: string | null): BrokerErrorKind {
    if (code && EXPIRED_SESSION_CODES.has(code)) return 'auth';
    if (code === 'AB8050' || code === 'AB8051') return 'auth';
    if (route.name === 'login' && code && BAD_CREDENTIAL_CODES.has(code)) return 'auth';
    if (route.write && code && AMBIGUOUS_APP_CODES.has(code)) return 'ambiguous';
    return 'rejected';
  }

  private networkKind(route: RouteDef, e: unknown): BrokerErrorKind {
    const code = errCode(e);
    // Refused or unresolvable: the request never left, so even a write is definitely not placed.
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENETUNREACH')
      return 'unavailable';
    return route.write ? 'ambiguous' : 'unavailable';
  }

  private networkMessage(e: unknown): string {
    const name = (e as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return `no answer within ${this.opts.timeoutMs ?? 7000} ms`;
    return this.scrub(`network error: ${errCode(e) ?? (e as Error)?.message ?? String(e)}`);
  }

  private fail(
    route: RouteDef,
    kind: BrokerErrorKind,
    message: string,
    code: string | null,
    status: number | null,
  ): BrokerError {
    requests.inc({ route: route.name, outcome: kind });
    countBrokerError(route.name, kind, code, status);
    return new BrokerError(kind, route.name, message, code, status);
  }

  private scrub(text: string): string {
    return redact(text, [this.opts.apiKey, ...(this.opts.secrets?.() ?? [])]);
  }

  private headers(route: RouteDef, jwt: string | null | undefined): Record<string, string> {
    const h: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-UserType': 'USER',
      'X-SourceID': 'WEB',
      'X-ClientLocalIP': this.identity.localIp,
      'X-ClientPublicIP': this.opts.publicIp,
      'X-MACAddress': this.identity.mac,
      'X-PrivateKey': this.opts.apiKey,
    };
    if (!route.public) {
      if (!jwt) throw new BrokerError('auth', route.name, 'no broker session');
      h.Authorization = `Bearer ${jwt}`;
    }
    return h;
  }
}

function errCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.cause?.code ?? err?.code;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
