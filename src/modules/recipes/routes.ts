import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { errorResponses } from '../../http/index.js';
import { batchRecordRoutes, type BatchRecordExporter } from './batch-record-routes.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import {
  diffVersions,
  listRecipes,
  maskedParameter,
  maskedVersion,
  maskedVersionSchema,
  recipeList,
  versionDiff,
  versionHistory,
  versionHistorySchema,
} from './queries.js';

const tags = ['recipes'];
const code = Type.String({ maxLength: 40 });

/**
 * The masked reads of recipes (GET; values never leave here: the schemas allow only nulls in their place).
 * The commands reach HTTP through their own `http` field; the batch record's GET is in batch-record-routes.
 */
export function recipeRoutes(app: FastifyInstance, context: ModuleContext, exporter: BatchRecordExporter): void {
  const db: ReadDb<Database> = context.db;
  const read = { permission: 'recipes.read' };
  app.get(
    '/api/recipes',
    {
      config: read,
      schema: {
        tags,
        operationId: 'recipes.list',
        summary: 'Recipes and their effective versions',
        response: { 200: recipeList, ...errorResponses },
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
        operationId: 'recipes.versions.list',
        summary: 'Every version of a recipe with its state and seal',
        params: Type.Object({ code }),
        response: { 200: versionHistorySchema, ...errorResponses },
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
        operationId: 'recipes.versions.get',
        summary: 'A version with its parameter values masked (full values: POST /api/recipes/read, audited)',
        params: Type.Object({ code, version: Type.Integer({ minimum: 1 }) }),
        response: { 200: maskedVersionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { code: c, version } = request.params as { code: string; version: number };
      return maskedVersion(db, c, version);
    },
  );
  app.get(
    '/api/recipes/:code/diff',
    {
      config: read,
      schema: {
        tags,
        operationId: 'recipes.diff',
        summary: 'Which parameters changed between two versions (values masked)',
        params: Type.Object({ code }),
        querystring: Type.Object(
          { from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        response: { 200: versionDiff(maskedParameter), ...errorResponses },
      },
    },
    async (request) => {
      const { from, to } = request.query as { from: number; to: number };
      return diffVersions(db, (request.params as { code: string }).code, from, to, false);
    },
  );
  batchRecordRoutes(app, context, exporter);
}
