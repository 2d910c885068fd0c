import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, errorResponses } from '../../http/index.js';
import { listDevices, listQuarantined, listSecurityEvents } from './store.js';

const tags = ['ingest'];
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
// Response schemas are the output allowlist: a device's secret hash has no field to leave by.
const device = Type.Object({
  id: Type.String(),
  name: Type.String(),
  equipment: Type.String(),
  groupId: Type.String(),
  edgeNodeId: Type.String(),
  state: Type.String(),
  quarantineReason: nullable(Type.String()),
  createdAt: Type.String(),
  rotatedAt: Type.String(),
});
const withSecret = Type.Composite([device, Type.Object({ secret: Type.String() })]);
const securityEvent = Type.Object({
  id: Type.String(),
  at: Type.String(),
  kind: Type.String(),
  deviceId: nullable(Type.String()),
  username: nullable(Type.String()),
  address: nullable(Type.String()),
  detail: nullable(Type.String()),
  count: Type.Integer(),
});
const quarantined = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  topic: Type.String(),
  receivedAt: Type.String(),
  size: Type.Integer(),
  reason: nullable(Type.String()),
  payloadBase64: Type.String(),
});
const limitQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  { additionalProperties: false },
);
// The pattern the device commands enforce, stated here too so the OpenAPI document shows it.
const nameParams = Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,63}$', maxLength: 64 }) });

function readRoutes(app: FastifyInstance, context: ModuleContext): void {
  const { db } = context;
  const read = (url: string, summary: string, key: string, item: object, list: (limit: number) => Promise<unknown>) =>
    app.get(
      url,
      {
        config: { permission: 'ingest.read' },
        schema: {
          tags,
          summary,
          querystring: limitQuery,
          response: { 200: Type.Object({ [key]: Type.Array(item as typeof device) }), ...errorResponses },
        },
      },
      async (request) => ({ [key]: await list((request.query as { limit?: number }).limit ?? 100) }),
    );
  read('/api/ingest/devices', 'Registered devices (never their secrets)', 'devices', device, () => listDevices(db));
  read(
    '/api/ingest/security-events',
    'Refused device messages and connections, newest first',
    'events',
    securityEvent,
    (n) => listSecurityEvents(db, n),
  );
  read(
    '/api/ingest/quarantine',
    'Messages set aside for review (quarantined device, timestamp outside the window)',
    'messages',
    quarantined,
    (n) => listQuarantined(db, n),
  );
}

export function ingestRoutes(app: FastifyInstance, context: ModuleContext): void {
  readRoutes(app, context);
  const command = (name: string) => context.commands.get(name);
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/ingest/devices',
    command: command('ingest.device.register'),
    tags,
    response: withSecret,
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/ingest/devices/:name/rotate',
    command: command('ingest.device.rotate'),
    tags,
    params: nameParams,
    response: withSecret,
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/ingest/devices/:name/quarantine',
    command: command('ingest.device.quarantine'),
    tags,
    params: nameParams,
    body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 200 }) }, { additionalProperties: false }),
    toInput: (params, body) => ({ ...(body as object), name: params.name }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/ingest/devices/:name/release',
    command: command('ingest.device.release'),
    tags,
    params: nameParams,
  });
}
