import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** `2xx`, `4xx`…: the class keeps the label set small whatever codes the API grows. */
const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`;

/**
 * Request counts and latencies by method, route pattern and status class. The pattern (`/api/alerts/:id`), never
 * the raw URL: ids in URLs would make one series per id. A request no route matched is `unmatched`.
 * The hook is added on the root instance (a module's routes() runs there, not in an encapsulated plugin), so it
 * sees every route, and refusals answered before any handler (401, 403, 429) too.
 */
export function observeHttp(app: FastifyInstance, registry: Registry): void {
  const labelNames = ['method', 'route', 'status_class'] as const;
  const requests = new Counter({
    name: 'bastion_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status class.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'bastion_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status class.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_class: statusClass(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
}
