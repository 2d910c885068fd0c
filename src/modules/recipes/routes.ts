import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ModuleContext } from '../../kernel/module.js';
import { errorResponses } from '../../http/index.js';
import { batchRecordRoutes, type BatchRecordExporter } from './batch-record-routes.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import { diffVersions, maskedParameter, maskedVersion, maskedVersionSchema, versionDiff } from './queries.js';
import { pageRecipes, pageVersions, recipePage, versionPage, VERSION_STATES } from './lists.js';
import { pageQuery } from '../../kernel/pagination.js';
import { orderStatusRoute } from './order-status.js';

interface Page {
  limit?: number;
  cursor?: string;
}
const versionState = Type.Union(VERSION_STATES.map((s) => Type.Literal(s)));

const tags = ['recipes'];
const code = Type.String({ maxLength: 40 });

/**
 * The masked reads of recipes (GET; values never leave here: the schemas allow only nulls in their place).
 * The commands reach HTTP through their own `http` field; the batch record's GET is in batch-record-routes.
 */
export function recipeRoutes(app: FastifyInstance, context: ModuleContext, exporter: BatchRecordExporter): void {
  const db: ReadDb<Database> = context.db;
  const read = { permission: 'recipes.read' };
  // Recipes belong to products, not places: a holder of recipes.read anywhere lists them all.
  const list = { permission: 'recipes.read', scopedRead: true };
  app.get(
    '/api/recipes',
    {
      config: list,
      schema: {
        tags,
        operationId: 'recipes.list',
        summary: 'Recipes by code, with their effective and latest versions (paged)',
        querystring: Type.Object(
          {
            product: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
            state: Type.Optional({ ...versionState, description: 'recipes having a version in this state' }),
            ...pageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: recipePage, ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query as Page & { product?: string; state?: string };
      return pageRecipes(db, filter, { limit, cursor });
    },
  );
  app.get(
    '/api/recipes/:code/versions',
    {
      config: list,
      schema: {
        tags,
        operationId: 'recipes.versions.list',
        summary: 'The versions of a recipe, oldest first, with their state and seal (paged)',
        params: Type.Object({ code }),
        querystring: Type.Object({ state: Type.Optional(versionState), ...pageQuery }, { additionalProperties: false }),
        response: { 200: versionPage, ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query as Page & { state?: string };
      return pageVersions({ db, cipher: context.cipher }, (request.params as { code: string }).code, filter, {
        limit,
        cursor,
      });
    },
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
      return maskedVersion({ db, cipher: context.cipher }, c, version);
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
      return diffVersions({ db, cipher: context.cipher }, (request.params as { code: string }).code, from, to, false);
    },
  );
  batchRecordRoutes(app, context, exporter);
  orderStatusRoute(app, context);
}
