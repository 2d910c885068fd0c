import type { ReadDb } from '../../kernel/store.js';
import { NotFoundError } from '../../kernel/errors.js';
import type { Database } from './db.js';
import type { Parameter, SealedContent, Step } from './model.js';
import type { Seal } from './seal.js';

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

export async function versionOf(db: ReadDb<Database>, recipe: RecipeRow, version: number): Promise<VersionRow> {
  const row = await db
    .selectFrom('recipe_versions')
    .selectAll()
    .where('recipe_id', '=', recipe.id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`Recipe ${recipe.code} has no version ${version}.`);
  return row;
}

export async function versionsOf(db: ReadDb<Database>, recipe: RecipeRow): Promise<VersionRow[]> {
  return db.selectFrom('recipe_versions').selectAll().where('recipe_id', '=', recipe.id).orderBy('version').execute();
}

export async function effectiveVersion(db: ReadDb<Database>, recipe: RecipeRow): Promise<VersionRow | undefined> {
  return db
    .selectFrom('recipe_versions')
    .selectAll()
    .where('recipe_id', '=', recipe.id)
    .where('state', '=', 'effective')
    .executeTakeFirst();
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
