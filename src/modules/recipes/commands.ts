import { Type } from '@sinclair/typebox';
import { ConflictError, ForbiddenError, NotFoundError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand, type Database } from './db.js';
import { definitionsOf, materialByCode, materialCode } from '../production/index.js';
import { approvalsRequired, checkParameters, content, recipeCode, type Parameter, type Step } from './model.js';
import type { RecipeSealer } from './seal.js';
import { sealVersionContent, sourceOf } from './sealed-content.js';
import {
  effectiveVersion,
  parametersOf,
  recipeByCode,
  sealedContent,
  versionOf,
  versionsOf,
  type VersionRow,
} from './store.js';

export const versionRef = Type.Object(
  { recipe: recipeCode, version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

const closed = { additionalProperties: false } as const;
/** What a step of the version life cycle answers: which version, and the state it is in now. */
export const versionState = Type.Object(
  { recipe: Type.String(), version: Type.Integer(), state: Type.String() },
  closed,
);

export function requireState(v: VersionRow, code: string, ...states: string[]) {
  if (!states.includes(v.state))
    throw new ConflictError(
      `Version ${v.version} of ${code} is ${v.state}; this needs ${states.join(' or ')}.`,
      'illegal_transition',
    );
}

interface VersionContent {
  parameters: Parameter[];
  steps: Step[];
  reason: string;
}

async function insertVersion(ctx: CommandContext<Database>, recipeId: string, version: number, input: VersionContent) {
  const id = newId();
  const row = {
    id,
    recipe_id: recipeId,
    version,
    state: 'draft',
    ...(await sealVersionContent(ctx, id, input)),
    reason: input.reason,
    author_id: ctx.actor.id,
    created_at: ctx.now,
    approvals_required: null,
    seal_digest: null,
    seal_signature: null,
    seal_key_id: null,
    sealed_at: null,
    effective_at: null,
  };
  await ctx.tx.insertInto('recipe_versions').values(row).execute();
  return row;
}

export const createRecipe = defineCommand({
  name: 'recipes.recipe.create',
  summary: 'Create a master recipe with its first (draft) version',
  input: Type.Object(
    {
      code: recipeCode,
      name: Type.String({ minLength: 1, maxLength: 200 }),
      product: materialCode,
      operation: Type.Optional(Type.Integer({ minimum: 1, maximum: 9999 })),
      equipmentClass: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
      ...content,
    },
    { additionalProperties: false },
  ),
  output: versionState,
  // validation_failed: parameters that make no sense; not_found: the product or its operation.
  errors: ['validation_failed', 'not_found', 'recipe_exists'],
  permission: 'recipes.author',
  http: { method: 'POST', url: '/api/recipes' },
  async handler(ctx, input) {
    checkParameters(input.parameters);
    const product = await materialByCode(ctx.tx, input.product);
    if (input.operation !== undefined) {
      const routed = (await definitionsOf(ctx.tx, product)).some((d) =>
        d.routing.some((op) => op.sequence === input.operation),
      );
      if (!routed) throw new NotFoundError(`No version of ${product.code} has an operation ${input.operation}.`);
    }
    if (await ctx.tx.selectFrom('recipes').select('id').where('code', '=', input.code).executeTakeFirst())
      throw new ConflictError(`Recipe ${input.code} exists already.`, 'recipe_exists');
    const id = newId();
    await ctx.tx
      .insertInto('recipes')
      .values({
        id,
        code: input.code,
        name: input.name,
        material_id: product.id,
        operation: input.operation ?? null,
        equipment_class: input.equipmentClass ?? null,
        classification: 'trade-secret',
        created_at: ctx.now,
      })
      .execute();
    const version = await insertVersion(ctx, id, 1, input);
    ctx.setTarget({ type: 'recipe', id });
    ctx.note({ code: input.code, version: 1, reason: input.reason }); // never the values: they are trade secrets
    return { recipe: input.code, version: version.version, state: version.state };
  },
});

export const draftVersion = defineCommand({
  name: 'recipes.version.draft',
  summary: 'Draft a new version of a recipe, with a reason',
  input: Type.Object({ recipe: recipeCode, ...content }, { additionalProperties: false }),
  output: versionState,
  errors: ['validation_failed', 'not_found'],
  permission: 'recipes.author',
  http: { method: 'POST', url: '/api/recipes/versions' },
  async handler(ctx, input) {
    checkParameters(input.parameters);
    const recipe = await recipeByCode(ctx.tx, input.recipe);
    const versions = await versionsOf(sourceOf(ctx), recipe);
    const row = await insertVersion(ctx, recipe.id, (versions.at(-1)?.version ?? 0) + 1, input);
    ctx.setTarget({ type: 'recipe.version', id: row.id });
    ctx.note({ recipe: recipe.code, version: row.version, reason: input.reason });
    return { recipe: recipe.code, version: row.version, state: row.state };
  },
});

export const submitVersion = defineCommand({
  name: 'recipes.version.submit',
  summary: 'Submit a draft for review; its content is frozen from now on',
  input: versionRef,
  output: Type.Object(
    { recipe: Type.String(), version: Type.Integer(), state: Type.String(), approvalsRequired: Type.Integer() },
    closed,
  ),
  errors: ['not_found', 'illegal_transition'],
  permission: 'recipes.author',
  http: { method: 'POST', url: '/api/recipes/versions/submit' },
  async handler(ctx, input) {
    const recipe = await recipeByCode(ctx.tx, input.recipe);
    const v = await versionOf(sourceOf(ctx), recipe, input.version);
    requireState(v, recipe.code, 'draft');
    const inForce = await effectiveVersion(sourceOf(ctx), recipe);
    const required = approvalsRequired(inForce ? parametersOf(inForce) : null, parametersOf(v));
    await ctx.tx
      .updateTable('recipe_versions')
      .set({ state: 'in-review', approvals_required: required })
      .where('id', '=', v.id)
      .execute();
    ctx.setTarget({ type: 'recipe.version', id: v.id });
    ctx.note({ recipe: recipe.code, version: v.version, approvalsRequired: required });
    return { recipe: recipe.code, version: v.version, state: 'in-review', approvalsRequired: required };
  },
});

/**
 * An approval is an electronic signature (meaning "approved") by someone other than the author; the last
 * required one seals the version: a digest over its canonical content, signed with the recipe key.
 */
export const approveVersion = (sealer: RecipeSealer) =>
  defineCommand({
    name: 'recipes.version.approve',
    summary: 'Approve a version under review (electronic signature; never your own; two for critical changes)',
    input: versionRef,
    output: Type.Object(
      { recipe: Type.String(), version: Type.Integer(), state: Type.String(), approvals: Type.Integer() },
      closed,
    ),
    errors: ['not_found', 'illegal_transition', 'separation_of_duties', 'duplicate_approver'],
    permission: 'recipes.approve',
    http: { method: 'POST', url: '/api/recipes/versions/approve' },
    signature: { meanings: ['approved'] },
    async handler(ctx, input) {
      const recipe = await recipeByCode(ctx.tx, input.recipe);
      const v = await versionOf(sourceOf(ctx), recipe, input.version);
      requireState(v, recipe.code, 'in-review');
      if (v.author_id === ctx.actor.id)
        throw new ForbiddenError('The author of a recipe version cannot approve it.', 'separation_of_duties');
      const earlier = await ctx.tx.selectFrom('recipe_approvals').selectAll().where('version_id', '=', v.id).execute();
      if (earlier.some((a) => a.approver_id === ctx.actor.id))
        throw new ForbiddenError('You have already approved this version.', 'duplicate_approver');
      await ctx.tx
        .insertInto('recipe_approvals')
        .values({ version_id: v.id, approver_id: ctx.actor.id, approved_at: ctx.now })
        .execute();
      const approvals = earlier.length + 1;
      const done = approvals >= (v.approvals_required ?? 1);
      if (done) {
        const seal = sealer.seal(sealedContent(recipe, v));
        await ctx.tx
          .updateTable('recipe_versions')
          .set({
            state: 'approved',
            seal_digest: seal.digest,
            seal_signature: seal.signature,
            seal_key_id: seal.keyId,
            sealed_at: ctx.now,
          })
          .where('id', '=', v.id)
          .execute();
      }
      ctx.setTarget({ type: 'recipe.version', id: v.id });
      ctx.note({ recipe: recipe.code, version: v.version, approvals, required: v.approvals_required, sealed: done });
      return { recipe: recipe.code, version: v.version, state: done ? 'approved' : 'in-review', approvals };
    },
  });

export const versionCommands = (sealer: RecipeSealer) => [
  createRecipe,
  draftVersion,
  submitVersion,
  approveVersion(sealer),
];
