import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { errorResponses, readScopesOf } from '../../http/index.js';
import { definitionOutput, definitionsOf, materialByCode, materialOutput, materialView } from './definitions.js';
import type { Database } from './db.js';
import { orderDetailOutput } from './order-queries.js';
import { listOrders, orderDetailWithin, orderListQuery, orderPage, type OrderListQuery } from './order-list.js';
import { contentDisposition } from './attachment-files.js';
import { attachmentById, attachmentOutput, listAttachments } from './attachments.js';

const tags = ['production'];

/**
 * The reads of materials, versions, orders and files; changes are commands, routed from the commands themselves.
 * Every read is a `scopedRead`: a grant at any place lets the caller in, and what it sees is cut to its grants.
 * Materials, product versions and their files belong to no place, so any holder of the permission reads them.
 */
export function productionRoutes(app: FastifyInstance, context: ModuleContext<Database>): void {
  const { db } = context;
  app.get(
    '/api/materials',
    {
      config: { permission: 'production.definitions.read', scopedRead: true },
      schema: {
        tags,
        summary: 'Material definitions',
        operationId: 'production.materials.list',
        response: {
          200: Type.Object({ materials: Type.Array(materialOutput) }, { additionalProperties: false }),
          ...errorResponses,
        },
      },
    },
    async () => ({
      materials: (await db.selectFrom('production_materials').selectAll().orderBy('code').execute()).map(materialView),
    }),
  );
  app.get(
    '/api/products/:code/versions',
    {
      config: { permission: 'production.definitions.read', scopedRead: true },
      schema: {
        tags,
        summary: 'Every version of a product, oldest first',
        operationId: 'production.versions.list',
        params: Type.Object({ code: Type.String({ maxLength: 40 }) }),
        response: {
          200: Type.Object({ versions: Type.Array(definitionOutput) }, { additionalProperties: false }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      versions: await definitionsOf(db, await materialByCode(db, (request.params as { code: string }).code)),
    }),
  );
  app.get(
    '/api/orders',
    {
      config: { permission: 'production.orders.read', scopedRead: true },
      schema: {
        tags,
        summary: "Work orders, paged and filtered, inside the caller's scopes (orders not yet dispatched: everyone's)",
        operationId: 'production.orders.list',
        querystring: orderListQuery,
        response: { 200: orderPage, ...errorResponses },
      },
    },
    async (request) => listOrders(db, request.query as OrderListQuery, await readScopesOf(request, context)),
  );
  app.get(
    '/api/orders/:number',
    {
      config: { permission: 'production.orders.read', scopedRead: true },
      schema: {
        tags,
        summary: "A work order with its operations (404 as well for an order outside the caller's scopes)",
        operationId: 'production.orders.get',
        params: Type.Object({ number: Type.String({ maxLength: 40 }) }),
        response: { 200: orderDetailOutput, ...errorResponses },
      },
    },
    async (request) =>
      orderDetailWithin(db, (request.params as { number: string }).number, await readScopesOf(request, context)),
  );
  app.get(
    '/api/products/:code/versions/:version/attachments',
    {
      config: { permission: 'production.definitions.read', scopedRead: true },
      schema: {
        tags,
        summary: 'Work-instruction files of a product version',
        operationId: 'production.attachments.list',
        params: Type.Object({ code: Type.String({ maxLength: 40 }), version: Type.Integer({ minimum: 1 }) }),
        response: {
          200: Type.Object({ attachments: Type.Array(attachmentOutput) }, { additionalProperties: false }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { code, version } = request.params as { code: string; version: number };
      return { attachments: await listAttachments(db, code, version) };
    },
  );
  app.get(
    '/api/attachments/:id',
    {
      config: { permission: 'production.definitions.read', scopedRead: true },
      schema: {
        tags,
        summary: 'Download a work-instruction file (always as a download, never rendered inline)',
        operationId: 'production.attachments.download',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        // The file itself, in the media type it was stored with: documented, never serialised as JSON.
        response: {
          200: {
            description: 'The file, as a download in its stored media type',
            content: { '*/*': { schema: Type.String({ format: 'binary' }) } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const file = await attachmentById(db, (request.params as { id: string }).id);
      return reply
        .type(file.media_type)
        .header('content-disposition', contentDisposition(file.filename))
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('repr-digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`)
        .send(file.content);
    },
  );
}
