import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import type { ReadDb } from '../../kernel/store.js';
import { authorizeScopedRead, errorResponses } from '../../http/index.js';
import type { Database } from './db.js';
import { orderSchema } from './orders.js';
import { planProgressSchema, plansWithProgress } from './plans.js';
import { equipmentHistory, historySchema, listOrders } from './queries.js';

const tags = ['maintenance'];
const equipment = Type.String({ pattern: '^/[a-z0-9._/-]*$', maxLength: 300 });

/** The read routes; the command routes come from the commands' own `http` (src/http/commands.ts). */
export function maintenanceRoutes(app: FastifyInstance, context: ModuleContext): void {
  const db: ReadDb<Database> = context.db;
  app.get(
    '/api/maintenance/plans',
    {
      config: { permission: 'maintenance.read', scopedRead: true },
      schema: {
        tags,
        operationId: 'maintenance.plans.list',
        summary: 'Preventive plans at a place (default: everywhere) and how far each has run',
        querystring: Type.Object({ equipment: Type.Optional(equipment) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ plans: Type.Array(planProgressSchema) }, { additionalProperties: false }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { equipment: at = '/' } = request.query as { equipment?: string };
      await authorizeScopedRead(request, context, at);
      return { plans: await plansWithProgress(db, context.clock.now(), at) };
    },
  );
  app.get(
    '/api/maintenance/orders',
    {
      config: { permission: 'maintenance.read', scopedRead: true },
      schema: {
        tags,
        operationId: 'maintenance.orders.list',
        summary: 'Maintenance orders at a place (default: everywhere), newest first',
        querystring: Type.Object(
          {
            equipment: Type.Optional(equipment),
            state: Type.Optional(Type.Union(['open', 'in-progress', 'completed'].map((s) => Type.Literal(s)))),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ orders: Type.Array(orderSchema) }, { additionalProperties: false }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { equipment: at = '/', state } = request.query as { equipment?: string; state?: string };
      await authorizeScopedRead(request, context, at);
      return { orders: await listOrders(db, at, state) };
    },
  );
  app.get(
    '/api/maintenance/history',
    {
      config: { permission: 'maintenance.read', scopedRead: true },
      schema: {
        tags,
        operationId: 'maintenance.history',
        summary: 'Equipment history: maintenance orders, work done, parts used and down time',
        querystring: Type.Object({ equipment }, { additionalProperties: false }),
        response: { 200: historySchema, ...errorResponses },
      },
    },
    async (request) => {
      const { equipment } = request.query as { equipment: string };
      await authorizeScopedRead(request, context, equipment);
      return equipmentHistory(db, equipment);
    },
  );
}
