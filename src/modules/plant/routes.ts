import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { errorResponses } from '../../http/index.js';
import { NotFoundError } from '../../kernel/errors.js';
import { equipmentElement, toB2mml } from './b2mml.js';
import type { Database } from './db.js';
import { allNodes } from './store.js';
import { nodeView } from './views.js';

const tags = ['plant'];

/** The reads of the hierarchy; its changes are commands, whose routes come from the commands themselves. */
export function plantRoutes(app: FastifyInstance, context: ModuleContext<Database>): void {
  const { db } = context;
  app.get(
    '/api/plant',
    {
      config: { permission: 'plant.read' },
      schema: {
        tags,
        summary: 'The plant hierarchy, parents before children',
        operationId: 'plant.nodes.list',
        response: {
          200: Type.Object({ nodes: Type.Array(nodeView) }, { additionalProperties: false }),
          ...errorResponses,
        },
      },
    },
    async () => ({ nodes: await allNodes(db) }),
  );
  app.get(
    '/api/plant/export',
    {
      config: { permission: 'plant.read' },
      schema: {
        tags,
        summary: 'The hierarchy as B2MML-style JSON',
        operationId: 'plant.export',
        response: {
          200: Type.Object({ Equipment: equipmentElement }, { additionalProperties: false }),
          ...errorResponses,
        },
      },
    },
    async () => {
      const tree = toB2mml(await allNodes(db));
      if (!tree) throw new NotFoundError('No enterprise is modelled yet.');
      return tree;
    },
  );
}
