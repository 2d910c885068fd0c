import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, errorResponses } from '../../http/index.js';
import { bomItem, definitionsOf, materialByCode, materialView, operation } from './definitions.js';
import { orderDetail } from './order-queries.js';
import { contentDisposition } from './attachment-files.js';
import { attachmentById, listAttachments, MAX_ATTACHMENT_BYTES } from './attachments.js';

const tags = ['production'];
const material = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  unit: Type.String(),
  retired: Type.Boolean(),
});
const definition = Type.Object({
  id: Type.String(),
  product: Type.String(),
  version: Type.Integer(),
  state: Type.String(),
  bom: Type.Array(bomItem),
  routing: Type.Array(operation),
  reason: Type.String(),
  createdAt: Type.String(),
  releasedAt: Type.Union([Type.String(), Type.Null()]),
});

export function productionRoutes(app: FastifyInstance, context: ModuleContext): void {
  const { db } = context;
  const command = (name: string) => context.commands.get(name);
  app.get(
    '/api/materials',
    {
      config: { permission: 'production.definitions.read' },
      schema: {
        tags,
        summary: 'Material definitions',
        response: { 200: Type.Object({ materials: Type.Array(material) }), ...errorResponses },
      },
    },
    async () => ({
      materials: (await db.selectFrom('production_materials').selectAll().orderBy('code').execute()).map(materialView),
    }),
  );
  app.get(
    '/api/products/:code/versions',
    {
      config: { permission: 'production.definitions.read' },
      schema: {
        tags,
        summary: 'Every version of a product, oldest first',
        params: Type.Object({ code: Type.String({ maxLength: 40 }) }),
        response: { 200: Type.Object({ versions: Type.Array(definition) }), ...errorResponses },
      },
    },
    async (request) => ({
      versions: await definitionsOf(db, await materialByCode(db, (request.params as { code: string }).code)),
    }),
  );
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/materials',
    command: command('production.material.create'),
    tags,
    response: material,
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/products/versions',
    command: command('production.definition.draft'),
    tags,
    response: definition,
  });
  app.get(
    '/api/orders/:number',
    {
      config: { permission: 'production.orders.read' },
      schema: {
        tags,
        summary: 'A work order with its operations',
        params: Type.Object({ number: Type.String({ maxLength: 40 }) }),
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses },
      },
    },
    async (request) => orderDetail(db, (request.params as { number: string }).number),
  );
  const orderRoutes: [string, string][] = [
    ['/api/orders', 'production.order.create'],
    ['/api/orders/import', 'production.order.import'],
    ['/api/orders/release', 'production.order.release'],
    ['/api/orders/dispatch', 'production.order.dispatch'],
    ['/api/orders/close', 'production.order.close'],
    ['/api/orders/operations/start', 'production.operation.start'],
    ['/api/orders/operations/pause', 'production.operation.pause'],
    ['/api/orders/operations/resume', 'production.operation.resume'],
    ['/api/orders/operations/complete', 'production.operation.complete'],
    ['/api/orders/operations/report', 'production.operation.report'],
  ];
  for (const [url, name] of orderRoutes)
    commandRoute(app, context, { method: 'POST', url, command: command(name), tags });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/products/versions/release',
    command: command('production.definition.release'),
    tags,
    response: Type.Object({ product: Type.String(), version: Type.Integer(), state: Type.String() }),
  });
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/products/versions/attachments',
    command: command('production.attachment.add'),
    tags,
    bodyLimit: Math.ceil(MAX_ATTACHMENT_BYTES * 1.4) + 4096,
  });
  app.get(
    '/api/products/:code/versions/:version/attachments',
    {
      config: { permission: 'production.definitions.read' },
      schema: {
        tags,
        summary: 'Work-instruction files of a product version',
        params: Type.Object({ code: Type.String({ maxLength: 40 }), version: Type.Integer({ minimum: 1 }) }),
        response: {
          200: Type.Object({ attachments: Type.Array(Type.Object({}, { additionalProperties: true })) }),
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
      config: { permission: 'production.definitions.read' },
      schema: {
        tags,
        summary: 'Download a work-instruction file (always as a download, never rendered inline)',
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
