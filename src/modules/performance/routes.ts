import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, authorizeScopedRead, errorResponses, sendSvg } from '../../http/index.js';
import { ValidationError } from '../../kernel/errors.js';
import { oeeSvg, paretoSvg } from './charts.js';
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

function windowOf(query: { equipment: string; from: string; to: string }): Window {
  const w = { equipment: query.equipment, from: Date.parse(query.from), to: Date.parse(query.to) };
  if (!(w.to > w.from))
    throw new ValidationError('The window must end after it starts.', [{ path: '/to', message: 'not after from' }]);
  if (w.to - w.from > 366 * 86_400_000)
    throw new ValidationError('At most a year at a time.', [{ path: '/to', message: 'window longer than a year' }]);
  return w;
}

export function performanceRoutes(app: FastifyInstance, context: ModuleContext): void {
  const { db } = context;
  const open = Type.Object({}, { additionalProperties: true });
  app.get(
    '/api/performance/oee',
    {
      config: { permission: 'performance.read', scopedRead: true },
      schema: {
        tags,
        summary: 'OEE, TEEP and the six big losses of equipment (and everything below it) over a window',
        querystring: windowQuery,
        response: { 200: open, ...errorResponses },
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
        summary: 'Down time by reason, largest first (Pareto)',
        querystring: windowQuery,
        response: { 200: open, ...errorResponses },
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
  for (const [url, name] of [
    ['/api/performance/states', 'performance.state.record'],
    ['/api/performance/counts', 'performance.count.record'],
    ['/api/performance/telemetry', 'performance.telemetry.apply'],
  ] as const)
    commandRoute(app, context, { method: 'POST', url, command: context.commands.get(name), tags });
}
