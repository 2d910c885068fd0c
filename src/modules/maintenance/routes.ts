import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, authorizeScopedRead, errorResponses } from '../../http/index.js';
import { plansWithProgress } from './plans.js';
import { equipmentHistory, listOrders } from './queries.js';

const tags = ['maintenance'];
const open = Type.Object({}, { additionalProperties: true });
const equipment = Type.String({ pattern: '^/[a-z0-9._/-]*$', maxLength: 300 });

export function maintenanceRoutes(app: FastifyInstance, context: ModuleContext): void {
  const { db } = context;
  app.get(
    '/api/maintenance/plans',
    {
      config: { permission: 'maintenance.read', scopedRead: true },
      schema: {
        tags,
        summary: 'Preventive plans at a place (default: everywhere) and how far each has run',
        querystring: Type.Object({ equipment: Type.Optional(equipment) }, { additionalProperties: false }),
        response: { 200: open, ...errorResponses },
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
        summary: 'Maintenance orders at a place (default: everywhere), newest first',
        querystring: Type.Object(
          {
            equipment: Type.Optional(equipment),
            state: Type.Optional(Type.Union(['open', 'in-progress', 'completed'].map((s) => Type.Literal(s)))),
          },
          { additionalProperties: false },
        ),
        response: { 200: open, ...errorResponses },
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
        summary: 'Equipment history: maintenance orders, work done, parts used and down time',
        querystring: Type.Object({ equipment }, { additionalProperties: false }),
        response: { 200: open, ...errorResponses },
      },
    },
    async (request) => {
      const { equipment } = request.query as { equipment: string };
      await authorizeScopedRead(request, context, equipment);
      return equipmentHistory(db, equipment);
    },
  );
  for (const [url, name] of [
    ['/api/maintenance/orders', 'maintenance.order.open'],
    ['/api/maintenance/orders/start', 'maintenance.order.start'],
    ['/api/maintenance/orders/complete', 'maintenance.order.complete'],
    ['/api/maintenance/plans', 'maintenance.plan.define'],
    ['/api/maintenance/plans/schedule', 'maintenance.plans.schedule'],
  ] as const)
    commandRoute(app, context, { method: 'POST', url, command: context.commands.get(name), tags });
}
