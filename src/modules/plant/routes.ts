import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, errorResponses } from '../../http/index.js';
import { NotFoundError } from '../../kernel/errors.js';
import { equipmentElement, toB2mml } from './b2mml.js';
import { allNodes } from './store.js';

const tags = ['plant'];
const property = Type.Object({
  id: Type.String(),
  value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
  unitOfMeasure: Type.Optional(Type.String()),
});
const nodeView = Type.Object({
  id: Type.String(),
  path: Type.String(),
  level: Type.String(),
  code: Type.String(),
  name: Type.String(),
  equipmentClass: Type.Union([Type.String(), Type.Null()]),
  properties: Type.Array(property),
  parentPath: Type.Union([Type.String(), Type.Null()]),
  retired: Type.Boolean(),
});

export function plantRoutes(app: FastifyInstance, context: ModuleContext): void {
  const { db } = context;
  const command = (name: string) => context.commands.get(name);
  app.get(
    '/api/plant',
    {
      config: { permission: 'plant.read' },
      schema: {
        tags,
        summary: 'The plant hierarchy, parents before children',
        response: { 200: Type.Object({ nodes: Type.Array(nodeView) }), ...errorResponses },
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
        response: { 200: Type.Object({ Equipment: equipmentElement }), ...errorResponses },
      },
    },
    async () => {
      const tree = toB2mml(await allNodes(db));
      if (!tree) throw new NotFoundError('No enterprise is modelled yet.');
      return tree;
    },
  );
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/plant/nodes',
    command: command('plant.node.create'),
    tags,
    response: nodeView,
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/plant/nodes/update',
    command: command('plant.node.update'),
    tags,
    response: nodeView,
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/plant/nodes/retire',
    command: command('plant.node.retire'),
    tags,
    response: Type.Object({ retired: Type.Boolean() }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/plant/import',
    command: command('plant.import'),
    tags,
    response: Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() }),
  });
}
