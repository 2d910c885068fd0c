import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { errorResponses } from '../../http/index.js';
import type { Database } from './db.js';
import { allConnections } from './queries.js';
import { opcuaService } from './service.js';
import { CONNECTION_STATES } from './status.js';
import { certificateFields, certificateState, connectionFields } from './views.js';

const tags = ['opcua'];
const iso = Type.String({ format: 'date-time' });

// Output allowlists: a route sends only these fields.
const connectionList = Type.Object(
  {
    connections: Type.Array(
      Type.Object(
        {
          ...connectionFields,
          status: Type.Object(
            {
              state: Type.Union(CONNECTION_STATES.map((state) => Type.Literal(state))),
              reason: Type.Optional(Type.String()),
              security: Type.Optional(Type.String()),
              serverThumbprint: Type.Optional(Type.String()),
              since: Type.Union([iso, Type.Null()]),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const certificateList = Type.Object(
  {
    // Bastion's own certificate: what the server's administrator must trust in turn.
    own: Type.Union([Type.Object(certificateFields, { additionalProperties: false }), Type.Null()]),
    certificates: Type.Array(
      Type.Object({ ...certificateFields, state: certificateState }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

/** The read routes; the commands' routes come from the commands themselves (commands.ts, `http`). */
export function opcuaRoutes(app: FastifyInstance, context: ModuleContext<Database>): void {
  const service = opcuaService(context);
  // Connectors run where Bastion serves, and stop with it; CLI verbs never open OPC UA sessions.
  if (context.config.opcua.enabled) {
    app.addHook('onReady', () => {
      void service.start().catch((e: unknown) => context.logger.error({ err: e }));
      return Promise.resolve();
    });
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
        operationId: 'opcua.connections.list',
        response: { 200: connectionList, ...errorResponses },
      },
    },
    async () => ({
      connections: (await allConnections(context.db)).map((spec) => {
        const { since, ...status } = service.status(spec.name);
        return { ...spec, status: { ...status, since: since !== 0 ? new Date(since).toISOString() : null } };
      }),
    }),
  );
  app.get(
    '/api/opcua/certificates',
    {
      ...read,
      schema: {
        tags,
        summary: 'OPC UA server certificates Bastion has seen: rejected until trusted',
        operationId: 'opcua.certificates.list',
        response: { 200: certificateList, ...errorResponses },
      },
    },
    async () => ({ own: await service.pki.own(), certificates: await service.pki.list() }),
  );
}
