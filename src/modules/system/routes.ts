import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { UnavailableError } from '../../kernel/errors.js';

const closed = { additionalProperties: false } as const;
const health = Type.Object({ status: Type.String() }, closed);
const readiness = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('degraded')]),
    reasons: Type.Optional(Type.Array(Type.String())),
  },
  closed,
);
/**
 * The OpenAPI document itself: its top-level fields are named, their contents are whatever the routes declare
 * (genuinely free-form here, so nested values are open and the document is sent whole).
 */
const openApiDocument = Type.Object(
  {
    openapi: Type.String(),
    info: Type.Record(Type.String(), Type.Unknown()),
    paths: Type.Record(Type.String(), Type.Unknown()),
    components: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: true },
);

export function systemRoutes(app: FastifyInstance, context: ModuleContext): void {
  app.get(
    '/healthz',
    {
      config: { permission: 'system.health' },
      schema: { tags: ['system'], summary: 'Liveness', operationId: 'system.live', response: { 200: health } },
    },
    () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { permission: 'system.health' },
      schema: {
        tags: ['system'],
        operationId: 'system.ready',
        summary:
          'Readiness: 503 while the database does not answer; 200 "degraded" with reasons when it serves but a safeguard is down',
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
  app.get(
    '/api/openapi.json',
    {
      config: { permission: 'system.api-docs' },
      schema: { hide: true, operationId: 'system.openapi', response: { 200: openApiDocument } },
    },
    () => app.swagger(),
  );
}
