import { Type } from '@sinclair/typebox';
import { sha256Hex } from '../../kernel/digest.js';
import { defineCommand } from './db.js';
import { sourceOf } from './sealed-content.js';
import { parameter, recipeCode, step } from './model.js';
import { diffVersions, maskedParameter, versionDiff } from './queries.js';
import { parametersOf, recipeByCode, stepsOf, versionOf } from './store.js';

/**
 * Reading a recipe's full values is a command, so that every such read is authorised and audited. The result
 * carries a watermark (reader, time, fingerprint) that is also in the audit record: a leaked copy names its
 * reader.
 */
export const readSecret = defineCommand({
  name: 'recipes.version.read',
  summary: 'Read a version with its full parameter values (audited; watermarked), optionally diffed against another',
  input: Type.Object(
    {
      recipe: recipeCode,
      version: Type.Integer({ minimum: 1 }),
      compareTo: Type.Optional(Type.Integer({ minimum: 1, description: 'a version to diff against, side by side' })),
      reason: Type.Optional(
        Type.String({
          minLength: 5,
          maxLength: 500,
          description: 'why the values are read (kept in the audit record)',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object(
    {
      recipe: Type.String(),
      version: Type.Integer(),
      state: Type.String(),
      seal: Type.Union([Type.String(), Type.Null()]),
      parameters: Type.Array(parameter),
      steps: Type.Array(step),
      // Full values here (diffVersions with full = true); the masked form only types the shared helper.
      diff: Type.Union([versionDiff(Type.Union([parameter, maskedParameter])), Type.Null()]),
      watermark: Type.Object(
        { reader: Type.String(), at: Type.String(), fingerprint: Type.String(), notice: Type.String() },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  errors: ['not_found'],
  permission: 'recipes.read-secret',
  http: { method: 'POST', url: '/api/recipes/read' },
  async handler(ctx, input) {
    const recipe = await recipeByCode(ctx.tx, input.recipe);
    const v = await versionOf(sourceOf(ctx), recipe, input.version);
    const at = new Date(ctx.now).toISOString();
    const fingerprint = sha256Hex(`${ctx.actor.id}|${at}|${recipe.code}|${v.version}|${v.parameters}`).slice(0, 24);
    ctx.setTarget({ type: 'recipe.version', id: v.id });
    ctx.note({
      recipe: recipe.code,
      version: v.version,
      fingerprint,
      compareTo: input.compareTo ?? null,
      reason: input.reason ?? null,
    });
    return {
      recipe: recipe.code,
      version: v.version,
      state: v.state,
      seal: v.seal_digest,
      parameters: parametersOf(v),
      steps: stepsOf(v),
      diff:
        input.compareTo === undefined
          ? null
          : await diffVersions(sourceOf(ctx), recipe.code, input.compareTo, input.version, true),
      watermark: { reader: ctx.actor.id, at, fingerprint, notice: 'Confidential: trade secret of the plant.' },
    };
  },
});
