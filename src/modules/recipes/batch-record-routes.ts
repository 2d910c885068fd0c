import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, errorResponses, originOf } from '../../http/index.js';
import type { BatchRecordExport } from './batch-record-export.js';
import { orderNumber } from './batch-record.js';
import { renderBatchRecordPdf } from './pdf-batch-record.js';

const tags = ['recipes'];
// The pattern the batch-record commands enforce on `order`, so the OpenAPI document shows it.
const params = Type.Object({ number: orderNumber });
const seal = Type.Object({ digest: Type.String(), signature: Type.String(), keyId: Type.String() });

/** Generate (POST) and export (GET, JSON or PDF) the sealed electronic batch record of a work order. */
export function batchRecordRoutes(app: FastifyInstance, context: ModuleContext): void {
  commandRoute(app, context, {
    method: 'POST',
    url: '/api/orders/:number/batch-record',
    command: context.commands.get('recipes.batch-record.generate'),
    tags,
    params,
    toInput: (p) => ({ order: p.number }),
    response: Type.Object({
      order: Type.String(),
      revision: Type.Integer(),
      generatedAt: Type.String(),
      seal,
    }),
  });
  const exporter = context.commands.get('recipes.batch-record.export');
  app.get(
    '/api/orders/:number/batch-record',
    {
      config: { permission: exporter.permission },
      schema: {
        tags,
        summary: `${exporter.summary}; ?format=pdf for a PDF download`,
        params,
        querystring: Type.Object(
          {
            format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('pdf')])),
            revision: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            record: Type.Object({}, { additionalProperties: true }),
            seal,
            intact: Type.Boolean(),
            names: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
            watermark: Type.Object({
              reader: Type.String(),
              at: Type.String(),
              fingerprint: Type.String(),
              notice: Type.String(),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { number } = request.params as { number: string };
      const { format = 'json', revision } = request.query as { format?: 'json' | 'pdf'; revision?: number };
      const input = { order: number, format, ...(revision === undefined ? {} : { revision }) };
      const exported = (await context.commands.execute(
        exporter.name,
        input,
        request.actor,
        originOf(request),
      )) as BatchRecordExport;
      if (format === 'json') return exported;
      const pdf = await renderBatchRecordPdf(exported);
      const filename = `batch-record-${exported.record.order.number}-r${exported.record.revision}.pdf`;
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(pdf);
    },
  );
}
