/**
 * Broker error counts by route and code (name in src/monitoring/metric-catalogue.ts). The request count
 * and latency live next to the transport (`trading_bot_broker_requests_total`,
 * `trading_bot_broker_request_seconds`); this adds the code, which tells a rejected order (AB4008...)
 * from an expired session (AG8001) or an outage (HTTP_502, TIMEOUT).
 */
import { counter, gauge } from '@/monitoring/metrics';
import type { BrokerErrorKind } from './broker.errors';

const errors = counter({
  name: 'trading_bot_broker_errors_total',
  help: 'Broker REST errors by route and code (SmartAPI AB/AG code, HTTP_<status>, RATE_LIMIT, or the error kind)',
  labelNames: ['route', 'code'] as const,
});

/** SmartAPI codes are two letters and four digits; anything else is folded so the label set stays bounded. */
const BROKER_CODE = /^A[A-Z]\d{4}$/;

export function brokerErrorCode(kind: BrokerErrorKind, code: string | null, status: number | null): string {
  if (code && BROKER_CODE.test(code)) return code;
  if (code === 'RATE_LIMIT') return code;
  if (status !== null && status >= 400) return `HTTP_${status}`;
  return kind.toUpperCase();
}

export function countBrokerError(
  route: string,
  kind: BrokerErrorKind,
  code: string | null,
  status: number | null,
): void {
  errors.inc({ route, code: brokerErrorCode(kind, code, status) });
}

const streamConnected = gauge({
  name: 'trading_bot_broker_stream_connected',
  help: '1 while the SmartStream market-data client is started and every one of its connections is open',
});

export function setStreamConnected(connected: boolean): void {
  streamConnected.set(connected ? 1 : 0);
}
