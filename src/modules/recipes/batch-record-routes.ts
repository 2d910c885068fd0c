import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { answersIn, errorResponses, originOf } from '../../http/index.js';
import { batchRecordExport, type exportBatchRecord } from './batch-record-export.js';
import { orderNumber } from './batch-record.js';
import { renderBatchRecordPdf } from './pdf-batch-record.js';

/** The export command of one context: the route runs this very object (see module.ts), never a name. */
export type BatchRecordExporter = ReturnType<typeof exportBatchRecord>;

const tags = ['recipes'];
// The pattern the batch-record commands enforce on `order`, so the OpenAPI document shows it.
const params = Type.Object({ number: orderNumber });

/**
 * Export (GET, JSON or PDF) of the sealed batch record of a work order. A GET with a PDF answer does not fit a
 * command's own route (POST, JSON), so this route runs the export command itself; generating is the
 * command's own route (recipes.batch-record.generate, `http`).
 */
export function batchRecordRoutes(app: FastifyInstance, context: ModuleContext, exporter: BatchRecordExporter): void {
  app.get(
    '/api/orders/:number/batch-record',
    {
      config: { permission: exporter.permission },
      schema: {
        tags,
        operationId: exporter.name,
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
          200: answersIn(batchRecordExport, { 'application/pdf': 'the batch record as PDF' }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { number } = request.params as { number: string };
      const { format = 'json', revision } = request.query as { format?: 'json' | 'pdf'; revision?: number };
      const input = { order: number, format, ...(revision === undefined ? {} : { revision }) };
      const exported = await context.commands.execute(exporter, input, request.actor, originOf(request));
      // The export has no dual control, so no approval can be pending; the check narrows the type.
      if ('approvalPending' in exported) throw new Error('a batch-record export is never held for approval');
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
