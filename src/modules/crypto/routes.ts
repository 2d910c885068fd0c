import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import type { ReadDb } from '../../kernel/store.js';
import { errorResponses } from '../../http/index.js';
import { listKeys } from './queries.js';
import type { CryptoTables } from './schema.js';

const closed = { additionalProperties: false } as const;
const keyView = Type.Object(
  {
    id: Type.String(),
    purpose: Type.String(),
    version: Type.Integer(),
    state: Type.String(),
    kekId: Type.String(),
    createdAt: Type.Number(),
    retiredAt: Type.Union([Type.Number(), Type.Null()]),
    rows: Type.Integer(),
  },
  closed,
);
const keyList = Type.Object(
  {
    keys: Type.Array(keyView),
    subjectKeys: Type.Array(
      Type.Object({ purpose: Type.String(), state: Type.String(), count: Type.Integer() }, closed),
    ),
  },
  closed,
);

export function cryptoRoutes(app: FastifyInstance, context: ModuleContext): void {
  app.get(
    '/api/crypto/keys',
    {
      config: { permission: 'crypto.keys.read' },
      schema: {
        tags: ['crypto'],
        summary: 'The data-encryption keys: purpose, version, state and how many stored values use each (no material)',
        operationId: 'crypto.keys.list',
        response: { 200: keyList, ...errorResponses },
      },
    },
    () => listKeys(context.db as ReadDb<CryptoTables>, context.catalog),
  );
}
