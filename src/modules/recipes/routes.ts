import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { commandRoute, errorResponses } from '../../http/index.js';
import { batchRecordRoutes } from './batch-record-routes.js';
import { diffVersions, listRecipes, maskedVersion, versionHistory } from './queries.js';

const tags = ['recipes'];
const nullableString = Type.Union([Type.String(), Type.Null()]);
/** What GET routes may send for a parameter: the value fields can only ever be null (an output allowlist). */
const maskedParameter = Type.Object({
  name: Type.String(),
  unit: Type.String(),
  critical: Type.Boolean(),
  setPoint: Type.Null(),
  low: Type.Null(),
  high: Type.Null(),
  masked: Type.Literal(true),
});
const summary = {
  version: Type.Integer(),
  state: Type.String(),
  reason: Type.String(),
  createdAt: nullableString,
  approvalsRequired: Type.Union([Type.Integer(), Type.Null()]),
  seal: nullableString,
  sealedAt: nullableString,
  effectiveAt: nullableString,
};
const code = Type.String({ maxLength: 40 });

export function recipeRoutes(app: FastifyInstance, context: ModuleContext): void {
  const { db } = context;
  const read = { permission: 'recipes.read' };
  app.get(
    '/api/recipes',
    {
      config: read,
      schema: {
        tags,
        summary: 'Recipes and their effective versions',
        response: {
          200: Type.Object({
            recipes: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                product: Type.String(),
                operation: Type.Union([Type.Integer(), Type.Null()]),
                equipmentClass: nullableString,
                classification: Type.String(),
                effectiveVersion: Type.Union([Type.Integer(), Type.Null()]),
                latestVersion: Type.Union([Type.Integer(), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async () => ({ recipes: await listRecipes(db) }),
  );
  app.get(
    '/api/recipes/:code/versions',
    {
      config: read,
      schema: {
        tags,
        summary: 'Every version of a recipe with its state and seal',
        params: Type.Object({ code }),
        response: {
          200: Type.Object({ recipe: Type.String(), versions: Type.Array(Type.Object(summary)) }),
          ...errorResponses,
        },
      },
    },
    async (request) => versionHistory(db, (request.params as { code: string }).code),
  );
  app.get(
    '/api/recipes/:code/versions/:version',
    {
      config: read,
      schema: {
        tags,
        summary: 'A version with its parameter values masked (full values: POST /api/recipes/read, audited)',
        params: Type.Object({ code, version: Type.Integer({ minimum: 1 }) }),
        response: {
          200: Type.Object({
            recipe: Type.String(),
            ...summary,
            parameters: Type.Array(maskedParameter),
            steps: Type.Array(Type.Object({ name: Type.String(), instruction: Type.String() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { code: c, version } = request.params as { code: string; version: number };
      return maskedVersion(db, c, version);
    },
  );
  const change = Type.Object({
    name: Type.String(),
    change: Type.String(),
    before: Type.Union([maskedParameter, Type.Null()]),
    after: Type.Union([maskedParameter, Type.Null()]),
  });
  app.get(
    '/api/recipes/:code/diff',
    {
      config: read,
      schema: {
        tags,
        summary: 'Which parameters changed between two versions (values masked)',
        params: Type.Object({ code }),
        querystring: Type.Object(
          { from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            recipe: Type.String(),
            from: Type.Integer(),
            to: Type.Integer(),
            parameters: Type.Array(change),
            stepsChanged: Type.Boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { from, to } = request.query as { from: number; to: number };
      return diffVersions(db, (request.params as { code: string }).code, from, to, false);
    },
  );
  for (const [url, name] of [
    ['/api/recipes', 'recipes.recipe.create'],
    ['/api/recipes/versions', 'recipes.version.draft'],
    ['/api/recipes/versions/submit', 'recipes.version.submit'],
    ['/api/recipes/versions/approve', 'recipes.version.approve'],
    ['/api/recipes/versions/activate', 'recipes.version.activate'],
    ['/api/recipes/versions/retire', 'recipes.version.retire'],
    ['/api/recipes/issue', 'recipes.control.issue'],
    ['/api/recipes/read', 'recipes.version.read'],
    ['/api/process-values', 'recipes.process-values.report'],
    ['/api/recipes/download', 'recipes.control.download'],
    ['/api/set-points', 'recipes.set-points.report'],
  ] as const)
    commandRoute(app, context, { method: 'POST', url, command: context.commands.get(name), tags });
  batchRecordRoutes(app, context);
}
