import type { ReadDb } from '../../kernel/store.js';
import { NotFoundError } from '../../kernel/errors.js';
import type { Database } from './db.js';
import type { Parameter, SealedContent, Step } from './model.js';
import type { Seal } from './seal.js';
import { openVersionRow, type RecipeSource } from './sealed-content.js';

export type RecipeRow = Database['recipes'] & { product: string };
export type VersionRow = Database['recipe_versions'];

export async function recipeByCode(db: ReadDb<Database>, code: string): Promise<RecipeRow> {
  const row = await db
    .selectFrom('recipes as r')
    .innerJoin('production_materials as m', 'm.id', 'r.material_id')
    .selectAll('r')
    .select('m.code as product')
    .where('r.code', '=', code)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`No recipe ${code}.`);
  return row;
}

export async function versionOf({ db, cipher }: RecipeSource, recipe: RecipeRow, version: number): Promise<VersionRow> {
  const row = await db
    .selectFrom('recipe_versions')
    .selectAll()
    .where('recipe_id', '=', recipe.id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Recipe ${recipe.code} has no version ${version}.`);
  return openVersionRow(cipher, row);
}

export async function versionsOf({ db, cipher }: RecipeSource, recipe: RecipeRow): Promise<VersionRow[]> {
  const rows = await db
    .selectFrom('recipe_versions')
    .selectAll()
    .where('recipe_id', '=', recipe.id)
    .orderBy('version')
    .execute();
  return Promise.all(rows.map((row) => openVersionRow(cipher, row)));
}

export async function effectiveVersion(
  { db, cipher }: RecipeSource,
  recipe: RecipeRow,
): Promise<VersionRow | undefined> {
  const row = await db
    .selectFrom('recipe_versions')
    .selectAll()
    .where('recipe_id', '=', recipe.id)
    .where('state', '=', 'effective')
    .executeTakeFirst();
  return row && openVersionRow(cipher, row);
}

export const parametersOf = (v: VersionRow) => JSON.parse(v.parameters) as Parameter[];
export const stepsOf = (v: VersionRow) => JSON.parse(v.steps) as Step[];

export function sealedContent(recipe: RecipeRow, v: VersionRow): SealedContent {
  return {
    recipe: recipe.code,
    version: v.version,
    product: recipe.product,
    operation: recipe.operation,
    equipmentClass: recipe.equipment_class,
    parameters: parametersOf(v),
    steps: stepsOf(v),
  };
}

export function sealOf(v: VersionRow): Seal | null {
  return v.seal_digest !== null &&
    v.seal_digest !== '' &&
    v.seal_signature !== null &&
    v.seal_signature !== '' &&
    v.seal_key_id !== null &&
    v.seal_key_id !== ''
    ? { digest: v.seal_digest, signature: v.seal_signature, keyId: v.seal_key_id }
    : null;
}
