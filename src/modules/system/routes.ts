import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Bastion } from '../../app/bastion.js';
import { UnavailableError } from '../../kernel/errors.js';

const health = Type.Object({ status: Type.String() });

export function systemRoutes(app: FastifyInstance, bastion: Bastion): void {
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
      schema: { tags: ['system'], summary: 'Readiness: the database answers', response: { 200: health, 503: health } },
    },
    async () => {
      try {
        await sql`select 1`.execute(bastion.storage.db);
      } catch {
        throw new UnavailableError('The database does not answer.');
      }
      return { status: 'ready' };
    },
  );
  app.get('/api/openapi.json', { config: { permission: 'system.api-docs' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
