import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { answersIn, errorResponses, readScopesOf, sendSvg } from '../../http/index.js';
import type { Database } from './db.js';
import { edgesOf, traceSvg } from './graph-svg.js';
import { lotDetail, lotOfSerial } from './queries.js';
import { assertLotWithin, assertSerialWithin, listLots, listSerials, lotListQuery, lotPage } from './lists.js';
import { serialListQuery, serialPage } from './lists.js';
import { traceCsv, traceWithin } from './trace.js';

const tags = ['genealogy'];
const traced = Type.Object(
  {
    lot: Type.String(),
    direction: Type.String(),
    lots: Type.Array(
      Type.Object(
        {
          number: Type.String(),
          material: Type.String(),
          depth: Type.Integer(),
          quantity: Type.Number(),
          unit: Type.String(),
          state: Type.String(),
          order: Type.Union([Type.String(), Type.Null()]),
        },
        { additionalProperties: false },
      ),
    ),
    orders: Type.Array(Type.String()),
    links: Type.Array(
      Type.Object(
        { parent: Type.String(), child: Type.String(), quantity: Type.Number() },
        { additionalProperties: false },
      ),
      { description: 'what went into what, between the start lot and the lots listed: the edges of the graph' },
    ),
    withheld: Type.Integer({
      description: "reached lots left out: made on lines outside the caller's scopes (0: the trace is complete)",
    }),
  },
  { additionalProperties: false },
);

/**
 * The reads of lots and traces; lot changes are commands, routed from the commands themselves. Every read is a
 * `scopedRead`: a grant at any place lets the caller in, and it sees the lots of its lines and those bound to
 * no line; a lot elsewhere is answered as one that does not exist (404).
 */
export function genealogyRoutes(app: FastifyInstance, context: ModuleContext<Database>): void {
  app.get(
    '/api/lots',
    {
      config: { permission: 'genealogy.read', scopedRead: true },
      schema: {
        tags,
        summary: "Lots by number, paged and filtered, inside the caller's scopes",
        operationId: 'genealogy.lots.list',
        querystring: lotListQuery,
        response: { 200: lotPage, ...errorResponses },
      },
    },
    async (request) =>
      listLots(context.db, request.query as Parameters<typeof listLots>[1], await readScopesOf(request, context)),
  );
  app.get(
    '/api/serials',
    {
      config: { permission: 'genealogy.read', scopedRead: true },
      schema: {
        tags,
        summary: "Serial numbers of units, paged, inside the caller's scopes",
        operationId: 'genealogy.serials.list',
        querystring: serialListQuery,
        response: { 200: serialPage, ...errorResponses },
      },
    },
    async (request) =>
      listSerials(context.db, request.query as Parameters<typeof listSerials>[1], await readScopesOf(request, context)),
  );
  app.get(
    '/api/lots/:number/trace',
    {
      config: { permission: 'genealogy.read', scopedRead: true },
      schema: {
        tags,
        summary:
          "Backward (what went in) or forward (where it went: the recall list) trace of a lot, as JSON, CSV or a drawn graph (SVG); lots made outside the caller's scopes are left out and counted in withheld",
        operationId: 'genealogy.lots.trace',
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
        response: {
          200: answersIn(traced, { 'text/csv': 'the trace as CSV', 'image/svg+xml': 'the trace drawn as a graph' }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { number } = request.params as { number: string };
      const { direction, format } = request.query as { direction: 'backward' | 'forward'; format: string };
      const result = await traceWithin(context.db, number, direction, await readScopesOf(request, context));
      if (format === 'csv')
        return reply
          .type('text/csv')
          .serializer((body: string) => body)
          .send(traceCsv(result));
      if (format === 'svg') return sendSvg(reply, await traceSvg(context.db, result));
      const links = await edgesOf(context.db, [result.lot, ...result.lots.map((l) => l.number)]);
      return { ...result, links: links.map((l) => ({ ...l, quantity: Number(l.quantity) })) };
    },
  );
  const lotDetailSchema = Type.Object(
    {
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
    },
    { additionalProperties: false },
  );
  app.get(
    '/api/lots/:number',
    {
      config: { permission: 'genealogy.read', scopedRead: true },
      schema: {
        tags,
        summary:
          "A lot: material, quantities, state, supplier, order and serial numbers (404 as well for a lot made outside the caller's scopes)",
        operationId: 'genealogy.lots.get',
        params: Type.Object({ number: Type.String({ maxLength: 60 }) }),
        response: { 200: lotDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { number } = request.params as { number: string };
      await assertLotWithin(context.db, number, await readScopesOf(request, context));
      return lotDetail(context.db, number);
    },
  );
  app.get(
    '/api/serials/:serial',
    {
      config: { permission: 'genealogy.read', scopedRead: true },
      schema: {
        tags,
        summary:
          "The lot a serialised unit belongs to (then trace that lot); 404 as well for a unit outside the caller's scopes",
        operationId: 'genealogy.serials.get',
        params: Type.Object({ serial: Type.String({ maxLength: 60 }) }),
        response: {
          200: Type.Object({ serial: Type.String(), lot: Type.String() }, { additionalProperties: false }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { serial } = request.params as { serial: string };
      await assertSerialWithin(context.db, serial, await readScopesOf(request, context));
      return lotOfSerial(context.db, serial);
    },
  );
}
