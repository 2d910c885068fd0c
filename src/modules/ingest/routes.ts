import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { errorResponses } from '../../http/index.js';
import type { Database } from './db.js';
import { listDevices, listQuarantined, listSecurityEvents } from './store.js';
import { deviceView, quarantinedView, securityEventView } from './views.js';

const tags = ['ingest'];
const limitQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  { additionalProperties: false },
);

interface ReadRoute {
  url: string;
  operationId: string;
  summary: string;
  /** The answer is `{ [key]: item[] }`. */
  key: string;
  item: TSchema;
  list(limit: number): Promise<unknown[]>;
}

/**
 * The read routes; the device commands' routes come from the commands themselves (devices.ts, `http`).
 */
export function ingestRoutes(app: FastifyInstance, context: ModuleContext<Database>): void {
  const { db } = context;
  const routes: ReadRoute[] = [
    {
      url: '/api/ingest/devices',
      operationId: 'ingest.devices.list',
      summary: 'Registered devices (never their secrets)',
      key: 'devices',
      item: deviceView,
      list: () => listDevices(db),
    },
    {
      url: '/api/ingest/security-events',
      operationId: 'ingest.securityEvents.list',
      summary: 'Refused device messages and connections, newest first',
      key: 'events',
      item: securityEventView,
      list: (n) => listSecurityEvents(db, n),
    },
    {
      url: '/api/ingest/quarantine',
      operationId: 'ingest.quarantine.list',
      summary: 'Messages set aside for review (quarantined device, timestamp outside the window)',
      key: 'messages',
      item: quarantinedView,
      list: (n) => listQuarantined(db, n),
    },
  ];
  for (const route of routes)
    app.get(
      route.url,
      {
        config: { permission: 'ingest.read' },
        schema: {
          tags,
          summary: route.summary,
          operationId: route.operationId,
          querystring: limitQuery,
          response: {
            200: Type.Object({ [route.key]: Type.Array(route.item) }, { additionalProperties: false }),
            ...errorResponses,
          },
        },
      },
      async (request) => ({ [route.key]: await route.list((request.query as { limit?: number }).limit ?? 100) }),
    );
}
