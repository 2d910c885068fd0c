import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, readScopesOf } from '../../http/index.js';
import { NotFoundError } from '../../kernel/errors.js';
import type { ModuleContext } from '../../kernel/module.js';
import { scopeIncludes } from '../../kernel/scopes.js';
import type { ReadDb } from '../../kernel/store.js';
import { orderNumber } from './batch-record.js';
import type { Database } from './db.js';
import { openParameters, openReading, type RecipeSource } from './sealed-content.js';
import { same } from './download.js';
import type { Parameter } from './model.js';

const closed = { additionalProperties: false } as const;
const nullableString = Type.Union([Type.String(), Type.Null()]);
/** The newest deviations shown; the count says how many there are in all (the batch record has every one). */
const DEVIATIONS_SHOWN = 200;

/**
 * What the recipes module knows of one order, masked like every GET of recipes: which version was issued,
 * whether each download was read back as sent (per parameter: matches or not, never the value), and the
 * deviations recorded (which parameter, what kind, when; values and limits are trade secrets, in the
 * batch record for those who may read them).
 */
export const orderRecipeStatus = Type.Object(
  {
    order: Type.String(),
    state: Type.String(),
    line: nullableString,
    controlRecipes: Type.Array(
      Type.Object(
        { recipe: Type.String(), version: Type.Integer(), seal: Type.String(), issuedAt: Type.String() },
        closed,
      ),
    ),
    downloads: Type.Array(
      Type.Object(
        {
          recipe: Type.String(),
          version: Type.Integer(),
          equipment: Type.String(),
          state: Type.String({ description: 'sent, confirmed (read back as sent), mismatch or drifted' }),
          sentAt: Type.String(),
          confirmedAt: nullableString,
          readBack: Type.Array(
            Type.Object({ parameter: Type.String(), matches: Type.Boolean(), at: Type.String() }, closed),
          ),
        },
        closed,
      ),
    ),
    deviations: Type.Array(
      Type.Object(
        {
          parameter: Type.String(),
          kind: Type.String({ description: 'out-of-range, set-point-mismatch or unauthorised-change' }),
          critical: Type.Boolean(),
          equipment: Type.String(),
          at: Type.String(),
        },
        closed,
      ),
    ),
    deviationCount: Type.Integer(),
  },
  closed,
);

const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

async function statusOf(
  { db, cipher }: RecipeSource,
  order: { id: string; number: string; state: string; line: string | null },
) {
  const controlRows = await db
    .selectFrom('recipe_control as c')
    .innerJoin('recipe_versions as v', 'v.id', 'c.version_id')
    .innerJoin('recipes as r', 'r.id', 'v.recipe_id')
    .select(['c.id', 'r.code', 'v.version', 'v.id as version_id', 'v.parameters', 'c.seal_digest', 'c.issued_at'])
    .where('c.order_id', '=', order.id)
    .orderBy('c.issued_at')
    .orderBy('c.id')
    .execute();
  const controls = await Promise.all(
    controlRows.map(async (c) => ({
      ...c,
      parameters: await openParameters<Parameter>(cipher, c.version_id, c.parameters),
    })),
  );
  const downloads = await db
    .selectFrom('recipe_downloads')
    .selectAll()
    .where('order_id', '=', order.id)
    .orderBy('sent_at')
    .orderBy('id')
    .execute();
  const readBacks =
    downloads.length === 0
      ? []
      : await db
          .selectFrom('recipe_readbacks')
          .selectAll()
          .where(
            'download_id',
            'in',
            downloads.map((d) => d.id),
          )
          .orderBy('parameter')
          .execute()
          .then((rows) =>
            Promise.all(
              rows.map(async (r) => ({
                ...r,
                value: await openReading<number>(
                  cipher,
                  'recipe_readbacks',
                  `${r.download_id}/${r.parameter}`,
                  r.reading,
                ),
              })),
            ),
          );
  const deviations = await db
    .selectFrom('recipe_deviations')
    .select(['parameter', 'kind', 'critical', 'equipment', 'at'])
    .where('order_id', '=', order.id)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(DEVIATIONS_SHOWN)
    .execute();
  const counted = await db
    .selectFrom('recipe_deviations')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('order_id', '=', order.id)
    .executeTakeFirstOrThrow();
  const controlById = new Map(controls.map((c) => [c.id, c]));
  return {
    order: order.number,
    state: order.state,
    line: order.line,
    controlRecipes: controls.map((c) => ({
      recipe: c.code,
      version: c.version,
      seal: c.seal_digest,
      issuedAt: iso(c.issued_at)!,
    })),
    downloads: downloads.map((d) => {
      const control = controlById.get(d.control_id)!;
      const setPoints = new Map(control.parameters.map((p) => [p.name, p.setPoint]));
      return {
        recipe: control.code,
        version: control.version,
        equipment: d.equipment,
        state: d.state,
        sentAt: iso(d.sent_at)!,
        confirmedAt: iso(d.confirmed_at),
        readBack: readBacks
          .filter((r) => r.download_id === d.id)
          .map((r) => {
            const setPoint = setPoints.get(r.parameter);
            return {
              parameter: r.parameter,
              matches: setPoint !== undefined && same(r.value, setPoint),
              at: iso(r.at)!,
            };
          }),
      };
    }),
    deviations: deviations.map((d) => ({
      parameter: d.parameter,
      kind: d.kind,
      critical: d.critical === 1,
      equipment: d.equipment,
      at: iso(d.at)!,
    })),
    deviationCount: Number(counted.n),
  };
}

/** GET the recipe status of a work order (404 as well for an order outside the caller's scopes). */
export function orderStatusRoute(app: FastifyInstance, context: ModuleContext): void {
  const db: ReadDb<Database> = context.db;
  app.get(
    '/api/orders/:number/recipe-status',
    {
      config: { permission: 'recipes.read', scopedRead: true },
      schema: {
        tags: ['recipes'],
        operationId: 'recipes.order-status',
        summary:
          'The control recipes issued to a work order, its downloads with their read-back, and its deviations (values masked)',
        params: Type.Object({ number: orderNumber }),
        response: { 200: orderRecipeStatus, ...errorResponses },
      },
    },
    async (request) => {
      const { number } = request.params as { number: string };
      const order = await db
        .selectFrom('production_orders')
        .select(['id', 'number', 'state', 'line_path as line'])
        .where('number', '=', number)
        .executeTakeFirst();
      const scopes = await readScopesOf(request, context);
      // An order bound to no line yet belongs to no place: any holder of recipes.read may read it.
      if (!order || (order.line !== null && !scopeIncludes(scopes, order.line)))
        throw new NotFoundError(`No work order ${number}.`);
      return statusOf({ db, cipher: context.cipher }, order);
    },
  );
}
