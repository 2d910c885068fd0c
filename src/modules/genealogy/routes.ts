import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, errorResponses, sendSvg } from '../../http/index.js';
import { traceSvg } from './graph-svg.js';
import { lotDetail, lotOfSerial } from './queries.js';
import { trace, traceCsv } from './trace.js';

const tags = ['genealogy'];
const traced = Type.Object({
  lot: Type.String(),
  direction: Type.String(),
  lots: Type.Array(
    Type.Object({
      number: Type.String(),
      material: Type.String(),
      depth: Type.Integer(),
      quantity: Type.Number(),
      unit: Type.String(),
      state: Type.String(),
      order: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  orders: Type.Array(Type.String()),
});

export function genealogyRoutes(app: FastifyInstance, context: ModuleContext): void {
  const command = (name: string) => context.commands.get(name);
  app.get(
    '/api/lots/:number/trace',
    {
      config: { permission: 'genealogy.read' },
      schema: {
        tags,
        summary:
          'Backward (what went in) or forward (where it went: the recall list) trace of a lot, as JSON, CSV or a drawn graph (SVG)',
        params: Type.Object({ number: Type.String({ maxLength: 60 }) }),
        querystring: Type.Object(
          {
            direction: Type.Union([Type.Literal('backward'), Type.Literal('forward')]),
            format: Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('svg')], {
              default: 'json',
              description: 'svg: the trace drawn as a graph (up to 300 lots)',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: traced, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { number } = request.params as { number: string };
      const { direction, format } = request.query as { direction: 'backward' | 'forward'; format: string };
      const result = await trace(context.db, number, direction);
      if (format === 'csv')
        return reply
          .type('text/csv')
          .serializer((body: string) => body)
          .send(traceCsv(result));
      if (format === 'svg') return sendSvg(reply, await traceSvg(context.db, result));
      return result;
    },
  );
  const lotDetailSchema = Type.Object({
    number: Type.String(),
    material: Type.String(),
    quantity: Type.Number(),
    available: Type.Number(),
    unit: Type.String(),
    state: Type.String(),
    holdReason: Type.Union([Type.String(), Type.Null()]),
    supplier: Type.Union([Type.String(), Type.Null()]),
    supplierLot: Type.Union([Type.String(), Type.Null()]),
    order: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    serials: Type.Array(Type.String()),
  });
  app.get(
    '/api/lots/:number',
    {
      config: { permission: 'genealogy.read' },
      schema: {
        tags,
        summary: 'A lot: material, quantities, state, supplier, order and serial numbers',
        params: Type.Object({ number: Type.String({ maxLength: 60 }) }),
        response: { 200: lotDetailSchema, ...errorResponses },
      },
    },
    async (request) => lotDetail(context.db, (request.params as { number: string }).number),
  );
  app.get(
    '/api/serials/:serial',
    {
      config: { permission: 'genealogy.read' },
      schema: {
        tags,
        summary: 'The lot a serialised unit belongs to (then trace that lot)',
        params: Type.Object({ serial: Type.String({ maxLength: 60 }) }),
        response: { 200: Type.Object({ serial: Type.String(), lot: Type.String() }), ...errorResponses },
      },
    },
    async (request) => lotOfSerial(context.db, (request.params as { serial: string }).serial),
  );
  for (const [url, name] of [
    ['/api/lots/split', 'genealogy.lot.split'],
    ['/api/lots/merge', 'genealogy.lot.merge'],
    ['/api/lots/receive', 'genealogy.lot.receive'],
    ['/api/lots/produce', 'genealogy.lot.produce'],
    ['/api/lots/hold', 'genealogy.lot.hold'],
    ['/api/lots/release', 'genealogy.lot.release'],
  ] as const) {
    commandRoute(app, context, { method: 'POST', url, command: command(name), tags });
  }
}
