import type { ReadDb } from '../../kernel/store.js';
import { Type, type TSchema } from '@sinclair/typebox';
import type { Database } from './db.js';
import { diffParameters, step, type Parameter, type ParameterChange } from './model.js';
import type { RecipeSealer } from './seal.js';
import type { RecipeSource } from './sealed-content.js';
import { signatureFields, signaturesOf, type Signatures } from './signatures.js';
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

const closed = { additionalProperties: false } as const;
const nullableString = Type.Union([Type.String(), Type.Null()]);

/** What GET routes may send for a parameter: the value fields can only ever be null (an output allowlist). */
export const maskedParameter = Type.Object(
  {
    name: Type.String(),
    unit: Type.String(),
    critical: Type.Boolean(),
    setPoint: Type.Null(),
    low: Type.Null(),
    high: Type.Null(),
    masked: Type.Literal(true),
  },
  closed,
);

/** A parameter as a reader without recipes.read-secret sees it: what it is, never its values. */
export function masked(p: Parameter) {
  return {
    name: p.name,
    unit: p.unit,
    critical: p.critical,
    setPoint: null,
    low: null,
    high: null,
    masked: true as const,
  };
}

export const versionSummaryFields = {
  version: Type.Integer(),
  state: Type.String(),
  reason: Type.String(),
  createdAt: nullableString,
  approvalsRequired: Type.Union([Type.Integer(), Type.Null()]),
  seal: nullableString,
  sealedAt: nullableString,
  effectiveAt: nullableString,
  ...signatureFields,
};

export const recipeItem = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    product: Type.String(),
    operation: Type.Union([Type.Integer(), Type.Null()]),
    equipmentClass: nullableString,
    classification: Type.String(),
    effectiveVersion: Type.Union([Type.Integer(), Type.Null()]),
    latestVersion: Type.Union([Type.Integer(), Type.Null()]),
    latestState: Type.Union([Type.String(), Type.Null()]),
    /** Whether the latest version carries a seal (it has been approved); verifying it is for activate and issue. */
    latestSealed: Type.Boolean(),
  },
  closed,
);

export const maskedVersionSchema = Type.Object(
  {
    recipe: Type.String(),
    ...versionSummaryFields,
    parameters: Type.Array(maskedParameter),
    steps: Type.Array(step),
  },
  closed,
);

/**
 * A diff of two versions. `full` diffs (the audited read) show parameters with their values; the GET route
 * declares only the masked form, so a full parameter can never leave through it.
 */
export const versionDiff = <S extends TSchema>(shown: S) =>
  Type.Object(
    {
      recipe: Type.String(),
      from: Type.Integer(),
      to: Type.Integer(),
      parameters: Type.Array(
        Type.Object(
          {
            name: Type.String(),
            change: Type.Union([
              Type.Literal('added'),
              Type.Literal('removed'),
              Type.Literal('changed'),
              Type.Literal('same'),
            ]),
            before: Type.Union([shown, Type.Null()]),
            after: Type.Union([shown, Type.Null()]),
          },
          closed,
        ),
      ),
      stepsChanged: Type.Boolean(),
    },
    closed,
  );

export function versionSummary(v: VersionRow, signatures: Signatures) {
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
    ...signatures,
  };
}

export async function listRecipes(db: ReadDb<Database>) {
  const rows = await db
    .selectFrom('recipes as r')
    .innerJoin('production_materials as m', 'm.id', 'r.material_id')
    .select(['r.code', 'r.name', 'm.code as product', 'r.operation', 'r.equipment_class', 'r.classification'])
    .orderBy('r.code')
    .execute();
  const result = [];
  for (const r of rows) {
    // States and seals only: nothing here needs a version's (sealed) content opened.
    const versions = await db
      .selectFrom('recipe_versions as v')
      .innerJoin('recipes as rr', 'rr.id', 'v.recipe_id')
      .select(['v.version', 'v.state', 'v.seal_digest'])
      .where('rr.code', '=', r.code)
      .orderBy('v.version')
      .execute();
    result.push({
      code: r.code,
      name: r.name,
      product: r.product,
      operation: r.operation,
      equipmentClass: r.equipment_class,
      classification: r.classification,
      effectiveVersion: versions.find((v) => v.state === 'effective')?.version ?? null,
      latestVersion: versions.at(-1)?.version ?? null,
      latestState: versions.at(-1)?.state ?? null,
      latestSealed: (versions.at(-1)?.seal_digest ?? null) !== null,
    });
  }
  return result;
}

/** A version with its values masked: the form every GET route answers in. */
export async function maskedVersion(source: RecipeSource, code: string, version: number) {
  const { db } = source;
  const recipe = await recipeByCode(db, code);
  const v = await versionOf(source, recipe, version);
  const signatures = await signaturesOf(source, [v]);
  return {
    recipe: code,
    ...versionSummary(v, signatures(v)),
    parameters: parametersOf(v).map(masked),
    steps: stepsOf(v),
  };
}

export type MaskedChange = Omit<ParameterChange, 'before' | 'after'> & {
  before: ReturnType<typeof masked> | Parameter | null;
  after: ReturnType<typeof masked> | Parameter | null;
};

export async function diffVersions(source: RecipeSource, code: string, from: number, to: number, full: boolean) {
  const recipe = await recipeByCode(source.db, code);
  const [a, b] = [await versionOf(source, recipe, from), await versionOf(source, recipe, to)];
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
export async function verifySeals(source: RecipeSource, sealer: RecipeSealer) {
  const { db } = source;
  const results = [];
  for (const r of await listRecipes(db)) {
    const recipe = await recipeByCode(db, r.code);
    for (const v of await versionsOf(source, recipe)) {
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
