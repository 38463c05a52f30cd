import type { FastifyInstance } from 'fastify';
import { histogram } from './metrics';

/**
 * trading_bot_http_request_duration_seconds{method, route, status}: `route` is the route template
 * (`/api/v1/orders/:id`), never the raw URL, so label values stay bounded; unknown routes count as
 * `unmatched`. A Fastify hook sees every answer, 404s and guard refusals included.
 */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  const hist = histogram({
    name: 'trading_bot_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    hist.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
