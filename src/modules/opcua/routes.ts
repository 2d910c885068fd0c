import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, errorResponses } from '../../http/index.js';
import { allConnections } from './queries.js';
import { opcuaService } from './service.js';

const tags = ['opcua'];
const iso = Type.String({ format: 'date-time' });

// Output allowlists: a route sends only these fields.
const connectionList = Type.Object({
  connections: Type.Array(
    Type.Object({
      name: Type.String(),
      endpointUrl: Type.String(),
      equipment: Type.String(),
      securityPolicy: Type.String(),
      samplingMs: Type.Integer(),
      nodes: Type.Array(Type.Object({ nodeId: Type.String(), tag: Type.String() })),
      status: Type.Object({
        state: Type.String(),
        reason: Type.Optional(Type.String()),
        security: Type.Optional(Type.String()),
        serverThumbprint: Type.Optional(Type.String()),
        since: Type.Union([iso, Type.Null()]),
      }),
    }),
  ),
});
const certificateFields = {
  thumbprint: Type.String(),
  subject: Type.String(),
  issuer: Type.String(),
  validFrom: iso,
  validTo: iso,
};
const certificateList = Type.Object({
  // ModuleContext's own certificate: what the server's administrator must trust in turn.
  own: Type.Union([Type.Object(certificateFields), Type.Null()]),
  certificates: Type.Array(
    Type.Object({ ...certificateFields, state: Type.Union([Type.Literal('rejected'), Type.Literal('trusted')]) }),
  ),
});
const thumbprintParams = Type.Object({ thumbprint: Type.String({ pattern: '^[0-9a-f]{40}$' }) });

export function opcuaRoutes(app: FastifyInstance, context: ModuleContext): void {
  const service = opcuaService(context);
  // Connectors run where ModuleContext serves, and stop with it; CLI verbs never open OPC UA sessions.
  if (context.config.opcua.enabled) {
    app.addHook('onReady', async () => void service.start().catch((e: unknown) => context.logger.error({ err: e })));
    app.addHook('onClose', () => service.stop());
  }
  const read = { config: { permission: 'opcua.read' } };
  app.get(
    '/api/opcua/connections',
    {
      ...read,
      schema: {
        tags,
        summary: 'OPC UA connections and their status',
        response: { 200: connectionList, ...errorResponses },
      },
    },
    async () => ({
      connections: (await allConnections(context.db)).map((spec) => {
        const { since, ...status } = service.status(spec.name);
        return { ...spec, status: { ...status, since: since ? new Date(since).toISOString() : null } };
      }),
    }),
  );
  app.get(
    '/api/opcua/certificates',
    {
      ...read,
      schema: {
        tags,
        summary: 'OPC UA server certificates ModuleContext has seen: rejected until trusted',
        response: { 200: certificateList, ...errorResponses },
      },
    },
    async () => ({ own: await service.pki.own(), certificates: await service.pki.list() }),
  );
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/opcua/connections',
    command: context.commands.get('opcua.connection.define'),
    tags,
  });
  for (const verb of ['trust', 'reject'] as const)
    commandRoute(app, context, {
      method: 'POST',
      url: `/api/opcua/certificates/:thumbprint/${verb}`,
      command: context.commands.get(`opcua.certificate.${verb}`),
      tags,
      params: thumbprintParams,
    });
}
