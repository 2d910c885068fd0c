import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleContext } from '../../../kernel/module.js';
import { answersIn, errorResponses } from '../../../http/index.js';
import { observeHttp } from './http.js';
import { metricsRegistry } from './registry.js';
import { scrapeTokenCheck } from './token.js';

/**
 * `GET /metrics` in the Prometheus text format. Two ways in, chosen by configuration:
 * - `monitoring.metrics.tokenFile` set: the route's permission is `monitoring.metrics.scrape`, declared public
 *   because no session stands behind a scraper, and the route's own onRequest hook demands the file's token as
 *   `Authorization: Bearer` (missing or wrong: 401); a session alone does not do;
 * - no token file: `monitoring.metrics.read`, an authenticated session holding it, like any other read.
 */
export function metricsRoute(app: FastifyInstance, context: ModuleContext): void {
  const { registry, close } = metricsRegistry(context);
  observeHttp(app, registry);
  app.addHook('onClose', (_instance, done) => {
    close();
    done();
  });
  const tokenFile = context.config.monitoring.metrics.tokenFile;
  const check = tokenFile !== undefined ? scrapeTokenCheck(tokenFile) : undefined;
  app.get(
    '/metrics',
    {
      config: { permission: check ? 'monitoring.metrics.scrape' : 'monitoring.metrics.read' },
      // After the app's own hooks (authentication, rate limit): a flood of bad tokens is limited like any request.
      ...(check
        ? { onRequest: (request: FastifyRequest, _reply: unknown, done: (e?: Error) => void) => done(check(request)) }
        : {}),
      schema: {
        tags: ['security'],
        summary: 'Prometheus metrics (text exposition format)',
        operationId: 'monitoring.metrics',
        response: {
          200: answersIn(undefined, { 'text/plain': 'Prometheus text exposition format, version 0.0.4' }),
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
