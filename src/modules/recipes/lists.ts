import { Type } from '@sinclair/typebox';
import { afterKey, keyOfCursor, keyOfRow, type KeysetOrder } from '../../kernel/keyset.js';
import { pageFrom, pageOf } from '../../kernel/pagination.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import { recipeItem, versionSummary, versionSummaryFields } from './queries.js';
import { signaturesOf } from './signatures.js';
import { recipeByCode } from './store.js';
import type { RecipeSource } from './sealed-content.js';

export interface Page {
  limit: number;
  cursor?: string;
}

export const VERSION_STATES = [
  'draft',
  'in-review',
  'approved',
  'effective',
  'superseded',
  'retired',
  'blocked',
] as const;

export const recipePage = pageOf(recipeItem);
export const versionPage = pageOf(Type.Object(versionSummaryFields, { additionalProperties: false }));

const RECIPE_ORDER: KeysetOrder = { sort: 'r.code', id: 'r.id', direction: 'asc', sortType: 'string' };
const VERSION_ORDER: KeysetOrder = { sort: 'version', id: 'id', direction: 'asc', sortType: 'number' };

/**
 * Recipes by code (id breaks ties). Recipes are bound to a product, not to a place: every holder of
 * recipes.read lists them all. `state` keeps the recipes having a version in that state (an effective one,
 * one waiting in review).
 */
export async function pageRecipes(db: ReadDb<Database>, filter: { product?: string; state?: string }, page: Page) {
  let query = db
    .selectFrom('recipes as r')
    .innerJoin('production_materials as m', 'm.id', 'r.material_id')
    .select(['r.id', 'r.code', 'r.name', 'm.code as product', 'r.operation', 'r.equipment_class', 'r.classification']);
  const { product, state } = filter;
  if (product !== undefined) query = query.where('m.code', '=', product);
  if (state !== undefined)
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('recipe_versions as v')
          .select('v.id')
          .whereRef('v.recipe_id', '=', 'r.id')
          .where('v.state', '=', state),
      ),
    );
  if (page.cursor !== undefined) query = query.where(afterKey(RECIPE_ORDER, keyOfCursor(page.cursor, RECIPE_ORDER)));
  const rows = await query
    .orderBy('r.code')
    .orderBy('r.id')
    .limit(page.limit + 1)
    .execute();
  const shown = pageFrom(
    rows,
    page.limit,
    (r) => keyOfRow(RECIPE_ORDER, r.code, r.id),
    (r) => r,
  );
  const versions =
    shown.items.length === 0
      ? []
      : await db
          .selectFrom('recipe_versions')
          .select(['recipe_id', 'version', 'state', 'seal_digest'])
          .where(
            'recipe_id',
            'in',
            shown.items.map((r) => r.id),
          )
          .orderBy('version')
          .execute();
  const items = shown.items.map((r) => {
    const own = versions.filter((v) => v.recipe_id === r.id);
    return {
      code: r.code,
      name: r.name,
      product: r.product,
      operation: r.operation,
      equipmentClass: r.equipment_class,
      classification: r.classification,
      effectiveVersion: own.find((v) => v.state === 'effective')?.version ?? null,
      latestVersion: own.at(-1)?.version ?? null,
      latestState: own.at(-1)?.state ?? null,
      latestSealed: (own.at(-1)?.seal_digest ?? null) !== null,
    };
  });
  return { items, nextCursor: shown.nextCursor };
}

/** A recipe's versions, oldest first. */
export async function pageVersions({ db, cipher }: RecipeSource, code: string, filter: { state?: string }, page: Page) {
  const recipe = await recipeByCode(db, code);
  let query = db.selectFrom('recipe_versions').selectAll().where('recipe_id', '=', recipe.id);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (page.cursor !== undefined) query = query.where(afterKey(VERSION_ORDER, keyOfCursor(page.cursor, VERSION_ORDER)));
  const rows = await query
    .orderBy('version')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  const signatures = await signaturesOf({ db, cipher }, rows.slice(0, page.limit));
  return pageFrom(
    rows,
    page.limit,
    (v) => keyOfRow(VERSION_ORDER, v.version, v.id),
    (v) => versionSummary(v, signatures(v)),
  );
}
