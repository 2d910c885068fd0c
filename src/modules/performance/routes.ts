import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import type { ReadDb } from '../../kernel/store.js';
import { answersIn, authorizeScopedRead, errorResponses, sendSvg } from '../../http/index.js';
import { ValidationError } from '../../kernel/errors.js';
import { oeeSvg, paretoSvg } from './charts.js';
import type { Database } from './db.js';
import { downtime, oee, type Window } from './queries.js';

const tags = ['performance'];
const windowQuery = Type.Object(
  {
    equipment: Type.String({ pattern: '^/[a-z0-9._/-]*$', maxLength: 300 }),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('svg')])),
  },
  { additionalProperties: false },
);

const minutes = Type.Number({ description: 'minutes' });
const figure = Type.Union([Type.Number(), Type.Null()], { description: 'a ratio (0–1); null: cannot be computed' });
const nullableMinutes = Type.Union([Type.Number(), Type.Null()]);
/** What `oee` answers: the window, the machines summed, and computeOee's figures (see oee.ts for their meaning). */
const oeeSchema = Type.Object(
  {
    equipment: Type.String(),
    from: Type.String(),
    to: Type.String(),
    machines: Type.Integer(),
    calendarMinutes: minutes,
    unknownMinutes: minutes,
    plannedMinutes: minutes,
    runMinutes: minutes,
    downMinutes: minutes,
    total: Type.Number(),
    good: Type.Number(),
    unratedParts: Type.Number(),
    availability: figure,
    performance: figure,
    quality: Type.Number(),
    oee: figure,
    teep: figure,
    warnings: Type.Array(Type.String()),
    losses: Type.Object(
      {
        breakdowns: minutes,
        setupAndAdjustments: minutes,
        smallStops: minutes,
        reducedSpeed: nullableMinutes,
        startupRejects: nullableMinutes,
        productionRejects: nullableMinutes,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
const downtimeSchema = Type.Object(
  {
    equipment: Type.String(),
    reasons: Type.Array(
      Type.Object(
        { reason: Type.String(), minutes, stops: Type.Integer(), cumulativeShare: Type.Number() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

function windowOf(query: { equipment: string; from: string; to: string }): Window {
  const w = { equipment: query.equipment, from: Date.parse(query.from), to: Date.parse(query.to) };
  if (!(w.to > w.from))
    throw new ValidationError('The window must end after it starts.', [{ path: '/to', message: 'not after from' }]);
  if (w.to - w.from > 366 * 86_400_000)
    throw new ValidationError('At most a year at a time.', [{ path: '/to', message: 'window longer than a year' }]);
  return w;
}

/** The read routes; the command routes come from the commands' own `http` (src/http/commands.ts). */
export function performanceRoutes(app: FastifyInstance, context: ModuleContext): void {
  const db: ReadDb<Database> = context.db;
  app.get(
    '/api/performance/oee',
    {
      config: { permission: 'performance.read', scopedRead: true },
      schema: {
        tags,
        operationId: 'performance.oee',
        summary: 'OEE, TEEP and the six big losses of equipment (and everything below it) over a window',
        querystring: windowQuery,
        response: { 200: answersIn(oeeSchema, { 'image/svg+xml': 'the OEE drawn as a chart' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const query = request.query as Window & { equipment: string; from: string; to: string; format?: string };
      await authorizeScopedRead(request, context, query.equipment);
      const result = await oee(db, windowOf(query), context.clock.now());
      return query.format === 'svg' ? sendSvg(reply, oeeSvg(result, `OEE of ${query.equipment}`)) : result;
    },
  );
  app.get(
    '/api/performance/downtime',
    {
      config: { permission: 'performance.read', scopedRead: true },
      schema: {
        tags,
        operationId: 'performance.downtime',
        summary: 'Down time by reason, largest first (Pareto)',
        querystring: windowQuery,
        response: { 200: answersIn(downtimeSchema, { 'image/svg+xml': 'the Pareto chart' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const query = request.query as { equipment: string; from: string; to: string; format?: string };
      await authorizeScopedRead(request, context, query.equipment);
      const result = await downtime(db, windowOf(query), context.clock.now());
      return query.format === 'svg'
        ? sendSvg(reply, paretoSvg(result.reasons, `Down time at ${query.equipment}`))
        : result;
    },
  );
}
