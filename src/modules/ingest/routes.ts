import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { pageOf, pageQuery } from '../../kernel/pagination.js';
import { errorResponses, readScopesOf } from '../../http/index.js';
import type { Database } from './db.js';
import { pageDevices, pageSecurityEvents } from './lists.js';
import type { SecurityKind } from './security.js';
import { listQuarantined } from './store.js';
import { pageValues, valueView } from './values-read.js';
import { deviceView, quarantinedView, securityEventView } from './views.js';

const tags = ['ingest'];
const read = { permission: 'ingest.read', scopedRead: true };
const place = Type.String({ pattern: '^/[a-z0-9._/-]*$', maxLength: 300, description: 'this place and below' });
const deviceName = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,63}$' });
const SECURITY_KINDS = [
  'unknown-device',
  'bad-credentials',
  'namespace-violation',
  'malformed-payload',
  'oversized',
  'flooding',
  'flooding-disconnected',
  'quarantined',
  'sequence-gap',
  'timestamp-out-of-window',
] satisfies SecurityKind[];
/** What the MQTT path refuses, and the data-quality notes the machine interpretation records (machine.ts). */
const EVENT_KINDS = [...SECURITY_KINDS, 'data-quality'];

interface Page {
  limit?: number;
  cursor?: string;
}
type DeviceQuery = Page & { state?: string; equipment?: string; namePrefix?: string };
type EventQuery = Page & { kind?: string; device?: string; from?: string; to?: string };
type ValueQuery = Page & { metric: string; from?: string; to?: string };
const time = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/**
 * The read routes; the device commands' routes come from the commands themselves (devices.ts, `http`).
 * Devices and their security events are at the device's equipment: a reader lists those inside its grants.
 */
export function ingestRoutes(app: FastifyInstance, context: ModuleContext<Database>): void {
  const { db } = context;
  app.get(
    '/api/ingest/devices',
    {
      config: read,
      schema: {
        tags,
        summary: 'Registered devices inside your grants, by name (never their secrets; paged)',
        operationId: 'ingest.devices.list',
        querystring: Type.Object(
          {
            state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('quarantined')])),
            equipment: Type.Optional(place),
            namePrefix: Type.Optional(Type.String({ pattern: '^[a-z0-9._-]{1,64}$' })),
            ...pageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(deviceView), ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query as DeviceQuery;
      return pageDevices(db, filter, await readScopesOf(request, context), { limit, cursor });
    },
  );
  app.get(
    '/api/ingest/security-events',
    {
      config: read,
      schema: {
        tags,
        summary: 'Refused device messages and connections inside your grants, newest first (paged)',
        operationId: 'ingest.securityEvents.list',
        querystring: Type.Object(
          {
            kind: Type.Optional(Type.Union(EVENT_KINDS.map((k) => Type.Literal(k)))),
            device: Type.Optional(deviceName),
            from: Type.Optional(Type.String({ format: 'date-time', description: 'at or after' })),
            to: Type.Optional(Type.String({ format: 'date-time', description: 'before' })),
            ...pageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(securityEventView), ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, from, to, ...filter } = request.query as EventQuery;
      const scopes = await readScopesOf(request, context);
      return pageSecurityEvents(db, { ...filter, from: time(from), to: time(to) }, scopes, { limit, cursor });
    },
  );
  app.get(
    '/api/ingest/devices/:name/values',
    {
      config: { permission: 'ingest.values.read', scopedRead: true },
      schema: {
        tags,
        summary: 'Values a device sent for one metric over a time window, oldest first (paged)',
        description:
          'A device outside your grants is not found. Points of one metric with the same time and batch ' +
          'always come on the same page.',
        operationId: 'ingest.values.list',
        params: Type.Object({ name: deviceName }, { additionalProperties: false }),
        querystring: Type.Object(
          {
            metric: Type.String({ minLength: 1, maxLength: 200, description: 'the metric name as stored' }),
            from: Type.Optional(Type.String({ format: 'date-time', description: 'at or after' })),
            to: Type.Optional(Type.String({ format: 'date-time', description: 'before' })),
            limit: Type.Optional(
              Type.Integer({ minimum: 1, maximum: 5000, default: 1000, description: 'values per page' }),
            ),
            cursor: pageQuery.cursor,
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(valueView), ...errorResponses },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      const { limit = 1000, cursor, metric, from, to } = request.query as ValueQuery;
      const scopes = await readScopesOf(request, context);
      return pageValues(db, name, { metric, from: time(from), to: time(to) }, scopes, { limit, cursor });
    },
  );
  app.get(
    '/api/ingest/quarantine',
    {
      config: { permission: 'ingest.read' },
      schema: {
        tags,
        summary: 'Messages set aside for review (quarantined device, timestamp outside the window)',
        operationId: 'ingest.quarantine.list',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ messages: Type.Array(quarantinedView) }, { additionalProperties: false }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({ messages: await listQuarantined(db, (request.query as { limit?: number }).limit ?? 100) }),
  );
}
