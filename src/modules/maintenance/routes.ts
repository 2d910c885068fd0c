import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import type { ReadDb } from '../../kernel/store.js';
import { authorizeScopedRead, errorResponses, readScopesOf } from '../../http/index.js';
import { pageOf, pageQuery } from '../../kernel/pagination.js';
import type { Database } from './db.js';
import { orderSchema } from './orders.js';
import { pagePlans, planProgressSchema } from './plans.js';
import { equipmentHistory, historySchema, pageOrders } from './queries.js';

interface Page {
  limit?: number;
  cursor?: string;
}
type PlanQuery = Page & { equipment?: string; trigger?: string };
type OrderQuery = Page & {
  equipment?: string;
  state?: string;
  kind?: string;
  createdFrom?: string;
  createdTo?: string;
};

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
        summary: 'Preventive plans inside your grants, by code, and how far each has run (paged)',
        querystring: Type.Object(
          {
            equipment: Type.Optional({ ...equipment, description: 'this place and below' }),
            trigger: Type.Optional(Type.Union([Type.Literal('calendar'), Type.Literal('counter')])),
            ...pageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(planProgressSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query as PlanQuery;
      const scopes = await readScopesOf(request, context);
      return pagePlans(db, context.clock.now(), filter, scopes, { limit, cursor });
    },
  );
  app.get(
    '/api/maintenance/orders',
    {
      config: { permission: 'maintenance.read', scopedRead: true },
      schema: {
        tags,
        operationId: 'maintenance.orders.list',
        summary: 'Maintenance orders inside your grants, newest first (paged)',
        querystring: Type.Object(
          {
            equipment: Type.Optional({ ...equipment, description: 'this place and below' }),
            state: Type.Optional(Type.Union(['open', 'in-progress', 'completed'].map((s) => Type.Literal(s)))),
            kind: Type.Optional(Type.Union([Type.Literal('corrective'), Type.Literal('preventive')])),
            createdFrom: Type.Optional(Type.String({ format: 'date-time', description: 'opened at or after' })),
            createdTo: Type.Optional(Type.String({ format: 'date-time', description: 'opened before' })),
            ...pageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(orderSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, createdFrom, createdTo, ...filter } = request.query as OrderQuery;
      const scopes = await readScopesOf(request, context);
      const time = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
      return pageOrders(db, { ...filter, createdFrom: time(createdFrom), createdTo: time(createdTo) }, scopes, {
        limit,
        cursor,
      });
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
