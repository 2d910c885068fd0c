import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { UnavailableError } from '../../kernel/errors.js';

const health = Type.Object({ status: Type.String() });
const readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('degraded')]),
  reasons: Type.Optional(Type.Array(Type.String())),
});

export function systemRoutes(app: FastifyInstance, context: ModuleContext): void {
  app.get(
    '/healthz',
    {
      config: { permission: 'system.health' },
      schema: { tags: ['system'], summary: 'Liveness', response: { 200: health } },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { permission: 'system.health' },
      schema: {
        tags: ['system'],
        summary:
          'Readiness: 503 while the database does not answer; 200 "degraded" with reasons when ModuleContext serves but a safeguard is down',
        response: { 200: readiness, 503: health },
      },
    },
    async () => {
      try {
        await sql`select 1`.execute(context.db);
      } catch {
        throw new UnavailableError('The database does not answer.');
      }
      // Degraded is still 200: requests are served correctly, and taking every instance out of the load
      // balancer because a witness disk is full would turn a monitoring alarm into a plant outage.
      const reasons = context.health.list().map((c) => c.reason);
      return reasons.length === 0 ? { status: 'ready' as const } : { status: 'degraded' as const, reasons };
    },
  );
  app.get('/api/openapi.json', { config: { permission: 'system.api-docs' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
