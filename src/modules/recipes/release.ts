import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { CommandRefusal, type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';
import { recipeCode } from './model.js';
import { requireState, versionRef, versionState } from './commands.js';
import type { RecipeSealer } from './seal.js';
import { sourceOf } from './sealed-content.js';
import {
  effectiveVersion,
  recipeByCode,
  sealedContent,
  sealOf,
  versionOf,
  type RecipeRow,
  type VersionRow,
} from './store.js';

export class SealBroken extends ConflictError {
  constructor(recipe: string, version: number) {
    super(
      `Version ${version} of ${recipe} no longer matches its seal: it has been changed outside Bastion and is blocked.`,
      'seal_broken',
    );
  }
}

/**
 * Checks a version's stored content against its seal. A mismatch blocks the version for good and raises a
 * critical security event; the caller must then return a CommandRefusal so that the block is committed.
 */
export async function verifiedOrBlocked(ctx: CommandContext, sealer: RecipeSealer, recipe: RecipeRow, v: VersionRow) {
  const seal = sealOf(v);
  if (seal && sealer.verify(sealedContent(recipe, v), seal)) return undefined;
  await ctx.tx.updateTable('recipe_versions').set({ state: 'blocked' }).where('id', '=', v.id).execute();
  ctx.setTarget({ type: 'recipe.version', id: v.id });
  ctx.note({ recipe: recipe.code, version: v.version, blocked: true });
  ctx.emit('security.recipe-seal-broken', { severity: 'critical', recipe: recipe.code, version: v.version });
  return new CommandRefusal(new SealBroken(recipe.code, v.version));
}

/** Makes an approved version the one production uses (its seal verified first); the previous one is superseded. */
export const activateVersion = (sealer: RecipeSealer) =>
  defineCommand({
    name: 'recipes.version.activate',
    summary: 'Make an approved version effective (the seal is verified first; the previous one is superseded)',
    input: versionRef,
    output: Type.Object(
      {
        recipe: Type.String(),
        version: Type.Integer(),
        state: Type.String(),
        superseded: Type.Union([Type.Integer(), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    errors: ['not_found', 'illegal_transition', 'seal_broken'],
    permission: 'recipes.release',
    http: { method: 'POST', url: '/api/recipes/versions/activate' },
    async handler(ctx, input) {
      const recipe = await recipeByCode(ctx.tx, input.recipe);
      const v = await versionOf(sourceOf(ctx), recipe, input.version);
      requireState(v, recipe.code, 'approved');
      const refusal = await verifiedOrBlocked(ctx, sealer, recipe, v);
      if (refusal) return refusal;
      const previous = await effectiveVersion(sourceOf(ctx), recipe);
      if (previous)
        await ctx.tx
          .updateTable('recipe_versions')
          .set({ state: 'superseded' })
          .where('id', '=', previous.id)
          .execute();
      await ctx.tx
        .updateTable('recipe_versions')
        .set({ state: 'effective', effective_at: ctx.now })
        .where('id', '=', v.id)
        .execute();
      ctx.setTarget({ type: 'recipe.version', id: v.id });
      ctx.note({ recipe: recipe.code, version: v.version, superseded: previous?.version ?? null });
      return { recipe: recipe.code, version: v.version, state: 'effective', superseded: previous?.version ?? null };
    },
  });

export const retireVersion = defineCommand({
  name: 'recipes.version.retire',
  summary: 'Retire a version (it can no longer be made effective or issued)',
  input: Type.Object(
    {
      recipe: recipeCode,
      version: Type.Integer({ minimum: 1 }),
      reason: Type.String({ minLength: 5, maxLength: 500 }),
    },
    { additionalProperties: false },
  ),
  output: versionState,
  errors: ['not_found', 'illegal_transition'],
  permission: 'recipes.release',
  http: { method: 'POST', url: '/api/recipes/versions/retire' },
  async handler(ctx, input) {
    const recipe = await recipeByCode(ctx.tx, input.recipe);
    const v = await versionOf(sourceOf(ctx), recipe, input.version);
    requireState(v, recipe.code, 'draft', 'in-review', 'approved', 'effective', 'superseded');
    await ctx.tx.updateTable('recipe_versions').set({ state: 'retired' }).where('id', '=', v.id).execute();
    ctx.setTarget({ type: 'recipe.version', id: v.id });
    ctx.note({ recipe: recipe.code, version: v.version, reason: input.reason });
    return { recipe: recipe.code, version: v.version, state: 'retired' };
  },
});

/**
 * Issues the effective version to a work order as its control recipe, after verifying its seal: nothing but
 * an effective, intact version ever reaches production.
 */
export const issueControlRecipe = (sealer: RecipeSealer) =>
  defineCommand({
    name: 'recipes.control.issue',
    summary: 'Issue the effective version of a recipe to a work order (seal verified)',
    input: Type.Object(
      {
        recipe: recipeCode,
        order: Type.String({ maxLength: 40 }),
        version: Type.Optional(Type.Integer({ minimum: 1 })),
      },
      { additionalProperties: false },
    ),
    output: Type.Object(
      {
        recipe: Type.String(),
        version: Type.Integer(),
        order: Type.String(),
        seal: Type.Union([Type.String(), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    errors: ['not_found', 'not_effective', 'illegal_transition', 'wrong_product', 'seal_broken'],
    permission: 'recipes.issue',
    http: { method: 'POST', url: '/api/recipes/issue' },
    async handler(ctx, input) {
      const recipe = await recipeByCode(ctx.tx, input.recipe);
      const v =
        input.version !== undefined
          ? await versionOf(sourceOf(ctx), recipe, input.version)
          : await effectiveVersion(sourceOf(ctx), recipe);
      if (!v) throw new ConflictError(`Recipe ${recipe.code} has no effective version.`, 'not_effective');
      requireState(v, recipe.code, 'effective');
      const order = await ctx.tx
        .selectFrom('production_orders')
        .select(['id', 'state', 'material_id'])
        .where('number', '=', input.order)
        .executeTakeFirst();
      if (!order) throw new NotFoundError(`No work order ${input.order}.`);
      if (order.material_id !== recipe.material_id)
        throw new ConflictError(`Order ${input.order} makes another product than ${recipe.code}.`, 'wrong_product');
      if (['completed', 'closed'].includes(order.state))
        throw new ConflictError(`Work order ${input.order} is ${order.state}.`, 'illegal_transition');
      const refusal = await verifiedOrBlocked(ctx, sealer, recipe, v);
      if (refusal) return refusal;
      const id = newId();
      await ctx.tx
        .insertInto('recipe_control')
        .values({
          id,
          order_id: order.id,
          version_id: v.id,
          seal_digest: v.seal_digest!,
          issued_at: ctx.now,
          issued_by: ctx.actor.id,
        })
        .execute();
      ctx.setTarget({ type: 'recipe.control', id });
      ctx.note({ recipe: recipe.code, version: v.version, order: input.order, seal: v.seal_digest });
      return { recipe: recipe.code, version: v.version, order: input.order, seal: v.seal_digest };
    },
  });
