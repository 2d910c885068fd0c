import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, errorResponses, sendSvg } from '../../http/index.js';
import { controlChartSvg } from './chart-svg.js';
import { characteristic } from './plans.js';
import { listInspections, listNcrs, listPlans, spcChart } from './queries.js';

const tags = ['quality'];
const anyObject = Type.Object({}, { additionalProperties: true });
const plan = Type.Object({
  code: Type.String(),
  version: Type.Integer(),
  product: Type.String(),
  operation: Type.Union([Type.Integer(), Type.Null()]),
  state: Type.String(),
  characteristics: Type.Array(characteristic),
  createdAt: Type.String(),
});
const nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);
const inspection = Type.Object({
  id: Type.String(),
  plan: Type.String(),
  planVersion: Type.Integer(),
  lot: nullable(Type.String()),
  order: nullable(Type.String()),
  result: Type.String(),
  inspectedAt: Type.String(),
});
const ncr = Type.Object({
  number: Type.String(),
  lot: nullable(Type.String()),
  description: Type.String(),
  state: Type.String(),
  disposition: nullable(Type.String()),
  dispositionReason: nullable(Type.String()),
  approved: Type.Boolean(),
  createdAt: Type.String(),
  closedAt: nullable(Type.String()),
});
const limits = Type.Object({ center: Type.Number(), upper: Type.Number(), lower: Type.Number() });
const chart = Type.Object({
  plan: Type.String(),
  characteristic,
  kind: Type.String(),
  subgroupSize: Type.Integer(),
  baseline: Type.Integer(),
  inspectedAt: Type.Array(Type.String()),
  points: Type.Array(Type.Object({ location: Type.Number(), dispersion: Type.Union([Type.Number(), Type.Null()]) })),
  location: limits,
  dispersion: limits,
  violations: Type.Array(
    Type.Object({ rule: Type.Integer(), chart: Type.String(), point: Type.Integer(), side: Type.String() }),
  ),
});

export function qualityRoutes(app: FastifyInstance, context: ModuleContext): void {
  const { db } = context;
  const read = (url: string, summary: string, querystring: ReturnType<typeof Type.Object>, response: unknown) =>
    ({
      url,
      config: { permission: 'quality.read' },
      schema: { tags, summary, querystring, response: { 200: response, ...errorResponses } },
    }) as const;
  const noQuery = Type.Object({}, { additionalProperties: false });

  const plans = read(
    '/api/quality/plans',
    'Inspection plans in force',
    noQuery,
    Type.Object({ plans: Type.Array(plan) }),
  );
  app.get(plans.url, plans, async () => ({ plans: await listPlans(db) }));

  const inspections = read(
    '/api/quality/inspections',
    'Recent inspections, newest first, by lot or plan',
    Type.Object(
      { lot: Type.Optional(Type.String({ maxLength: 60 })), plan: Type.Optional(Type.String({ maxLength: 40 })) },
      { additionalProperties: false },
    ),
    Type.Object({ inspections: Type.Array(inspection) }),
  );
  app.get(inspections.url, inspections, async (request) => ({
    inspections: await listInspections(db, request.query as { lot?: string; plan?: string }),
  }));

  const ncrs = read(
    '/api/quality/ncrs',
    'Non-conformance reports, newest first',
    Type.Object(
      { state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])) },
      { additionalProperties: false },
    ),
    Type.Object({ ncrs: Type.Array(ncr) }),
  );
  app.get(ncrs.url, ncrs, async (request) => ({
    ncrs: await listNcrs(db, (request.query as { state?: string }).state),
  }));

  const spc = read(
    '/api/quality/spc',
    'Control chart (X̄/R or individuals/MR) with limits and Western Electric rule violations',
    Type.Object(
      {
        plan: Type.String({ maxLength: 40 }),
        characteristic: Type.String({ maxLength: 60 }),
        baseline: Type.Optional(
          Type.Integer({ minimum: 2, maximum: 1000, description: 'subgroups that set the limits' }),
        ),
        last: Type.Optional(Type.Integer({ minimum: 2, maximum: 1000 })),
        format: Type.Optional(
          Type.Union([Type.Literal('json'), Type.Literal('svg')], { description: 'svg: a drawn chart' }),
        ),
      },
      { additionalProperties: false },
    ),
    chart,
  );
  app.get(spc.url, spc, async (request, reply) => {
    const query = request.query as {
      plan: string;
      characteristic: string;
      baseline?: number;
      last?: number;
      format?: string;
    };
    const result = await spcChart(db, query);
    if (query.format !== 'svg') return result;
    const title = `${result.plan} · ${result.characteristic.name} (${result.characteristic.unit})`;
    return sendSvg(reply, controlChartSvg(result, title));
  });

  for (const [url, name] of [
    ['/api/quality/plans', 'quality.plan.define'],
    ['/api/quality/inspections', 'quality.inspection.record'],
    ['/api/quality/ncrs', 'quality.ncr.raise'],
    ['/api/quality/ncrs/disposition', 'quality.ncr.disposition'],
  ] as const) {
    commandRoute(app, context, { method: 'POST', url, command: context.commands.get(name), tags, response: anyObject });
  }
}
