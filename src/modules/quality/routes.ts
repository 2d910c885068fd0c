import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import type { ReadDb } from '../../kernel/store.js';
import { answersIn, errorResponses, readScopesOf, sendSvg } from '../../http/index.js';
import { controlChartSvg } from './chart-svg.js';
import type { Database } from './db.js';
import { inspectionListQuery, inspectionPage, listInspections, listNcrs, ncrListQuery, ncrPage } from './lists.js';
import { characteristic, planSchema } from './plans.js';
import { listPlans, spcChart } from './queries.js';

const tags = ['quality'];
const limits = Type.Object(
  { center: Type.Number(), upper: Type.Number(), lower: Type.Number() },
  { additionalProperties: false },
);
const chart = Type.Object(
  {
    plan: Type.String(),
    characteristic,
    kind: Type.Union([Type.Literal('xbar-r'), Type.Literal('individuals-mr')]),
    subgroupSize: Type.Integer(),
    baseline: Type.Integer(),
    inspectedAt: Type.Array(Type.String()),
    points: Type.Array(
      Type.Object(
        { location: Type.Number(), dispersion: Type.Union([Type.Number(), Type.Null()]) },
        { additionalProperties: false },
      ),
    ),
    location: limits,
    dispersion: limits,
    violations: Type.Array(
      Type.Object(
        { rule: Type.Integer(), chart: Type.String(), point: Type.Integer(), side: Type.String() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/**
 * The read routes; the command routes come from the commands' own `http` (src/http/commands.ts). Each is a
 * `scopedRead`: a grant at any place lets the caller in; inspections, NCRs and charts are cut to its scopes,
 * plans (a product's, bound to no place) are everyone's who holds quality.read.
 */
export function qualityRoutes(app: FastifyInstance, context: ModuleContext): void {
  const db: ReadDb<Database> = context.db;
  const read = (
    url: string,
    operationId: string,
    summary: string,
    querystring: ReturnType<typeof Type.Object>,
    response: ReturnType<typeof Type.Object> | ReturnType<typeof answersIn>,
  ) =>
    ({
      url,
      config: { permission: 'quality.read', scopedRead: true },
      schema: { tags, summary, operationId, querystring, response: { 200: response, ...errorResponses } },
    }) as const;
  const noQuery = Type.Object({}, { additionalProperties: false });

  const plans = read(
    '/api/quality/plans',
    'quality.plans.list',
    'Inspection plans in force',
    noQuery,
    Type.Object({ plans: Type.Array(planSchema) }, { additionalProperties: false }),
  );
  app.get(plans.url, plans, async () => ({ plans: await listPlans(db) }));

  const inspections = read(
    '/api/quality/inspections',
    'quality.inspections.list',
    "Inspections, newest first, by lot, plan or result, paged, inside the caller's scopes",
    inspectionListQuery,
    inspectionPage,
  );
  app.get(inspections.url, inspections, async (request) =>
    listInspections(db, request.query as Parameters<typeof listInspections>[1], await readScopesOf(request, context)),
  );

  const ncrs = read(
    '/api/quality/ncrs',
    'quality.ncrs.list',
    "Non-conformance reports, newest first, paged, inside the caller's scopes",
    ncrListQuery,
    ncrPage,
  );
  app.get(ncrs.url, ncrs, async (request) =>
    listNcrs(
      db,
      request.query as Parameters<typeof listNcrs>[1],
      await readScopesOf(request, context),
      context.clock.now(),
      context.cipher,
    ),
  );

  const spc = read(
    '/api/quality/spc',
    'quality.spc.chart',
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
    answersIn(chart, { 'image/svg+xml': 'the control chart drawn' }),
  );
  app.get(spc.url, spc, async (request, reply) => {
    const query = request.query as {
      plan: string;
      characteristic: string;
      baseline?: number;
      last?: number;
      format?: string;
    };
    const result = await spcChart(db, query, await readScopesOf(request, context));
    if (query.format !== 'svg') return result;
    const title = `${result.plan} · ${result.characteristic.name} (${result.characteristic.unit})`;
    return sendSvg(reply, controlChartSvg(result, title));
  });
}
