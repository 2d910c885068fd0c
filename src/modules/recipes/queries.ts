import type { Kysely } from 'kysely';
import type { Database } from './db.js';
import { diffParameters, type Parameter, type ParameterChange } from './model.js';
import type { RecipeSealer } from './seal.js';
import {
  parametersOf,
  recipeByCode,
  sealedContent,
  sealOf,
  stepsOf,
  versionOf,
  versionsOf,
  type VersionRow,
} from './store.js';

/** A parameter as a reader without recipes.read-secret sees it: what it is, never its values. */
export function masked(p: Parameter) {
  return { name: p.name, unit: p.unit, critical: p.critical, setPoint: null, low: null, high: null, masked: true };
}

function versionSummary(v: VersionRow) {
  const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());
  return {
    version: v.version,
    state: v.state,
    reason: v.reason,
    createdAt: iso(v.created_at),
    approvalsRequired: v.approvals_required,
    seal: v.seal_digest,
    sealedAt: iso(v.sealed_at),
    effectiveAt: iso(v.effective_at),
  };
}

export async function listRecipes(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('recipes as r')
    .innerJoin('production_materials as m', 'm.id', 'r.material_id')
    .select(['r.code', 'r.name', 'm.code as product', 'r.operation', 'r.equipment_class', 'r.classification'])
    .orderBy('r.code')
    .execute();
  const result = [];
  for (const r of rows) {
    const versions = await versionsOf(db, await recipeByCode(db, r.code));
    result.push({
      code: r.code,
      name: r.name,
      product: r.product,
      operation: r.operation,
      equipmentClass: r.equipment_class,
      classification: r.classification,
      effectiveVersion: versions.find((v) => v.state === 'effective')?.version ?? null,
      latestVersion: versions.at(-1)?.version ?? null,
    });
  }
  return result;
}

/** A version with its values masked: the form every GET route answers in. */
export async function maskedVersion(db: Kysely<Database>, code: string, version: number) {
  const recipe = await recipeByCode(db, code);
  const v = await versionOf(db, recipe, version);
  return { recipe: code, ...versionSummary(v), parameters: parametersOf(v).map(masked), steps: stepsOf(v) };
}

export async function versionHistory(db: Kysely<Database>, code: string) {
  const recipe = await recipeByCode(db, code);
  return { recipe: code, versions: (await versionsOf(db, recipe)).map(versionSummary) };
}

export type MaskedChange = Omit<ParameterChange, 'before' | 'after'> & {
  before: ReturnType<typeof masked> | Parameter | null;
  after: ReturnType<typeof masked> | Parameter | null;
};

export async function diffVersions(db: Kysely<Database>, code: string, from: number, to: number, full: boolean) {
  const recipe = await recipeByCode(db, code);
  const [a, b] = [await versionOf(db, recipe, from), await versionOf(db, recipe, to)];
  const show = (p: Parameter | null) => (p === null ? null : full ? p : masked(p));
  const changes: MaskedChange[] = diffParameters(parametersOf(a), parametersOf(b)).map((c) => ({
    ...c,
    before: show(c.before),
    after: show(c.after),
  }));
  const stepsChanged = JSON.stringify(stepsOf(a)) !== JSON.stringify(stepsOf(b));
  return { recipe: code, from, to, parameters: changes, stepsChanged };
}

/** Every sealed version's stored content against its seal (what `bastion recipes verify` reports). */
export async function verifySeals(db: Kysely<Database>, sealer: RecipeSealer) {
  const results = [];
  for (const r of await listRecipes(db)) {
    const recipe = await recipeByCode(db, r.code);
    for (const v of await versionsOf(db, recipe)) {
      const seal = sealOf(v);
      if (!seal) continue;
      results.push({
        recipe: r.code,
        version: v.version,
        state: v.state,
        intact: sealer.verify(sealedContent(recipe, v), seal),
      });
    }
  }
  return results;
}
