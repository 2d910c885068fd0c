import { Type } from '@sinclair/typebox';
import { canonicalJson } from '../../kernel/canonical-json.js';
import { ConflictError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';
import type { Database } from './db.js';
import {
  approvalParts,
  controlRecipeParts,
  deviationParts,
  orderPart,
  orderRow,
  type OrderRow,
} from './batch-record-collect.js';
import { commandParts, consumedLots, inspectionParts, producedLots } from './batch-record-lots.js';
import { iso, type BatchRecord } from './batch-record-model.js';
import { sealSchema, type RecipeSealer } from './seal.js';
import { sourceOf, type RecipeSource } from './sealed-content.js';

export const orderNumber = Type.String({ pattern: '^[A-Z0-9][A-Z0-9._-]{0,39}$', description: 'work order number' });

/** A record is made once the order can no longer change what it made: completed or closed. */
const FINISHED = ['completed', 'closed'];

/** The key purpose of batch records at rest (append-only rows: a rotation leaves their key version decrypt-only). */
export const BATCH_RECORDS = 'batch-records';

/** The newest revision (or the one asked for), its body in clear. */
export async function latestBatchRecord({ db, cipher }: RecipeSource, orderId: string, revision?: number) {
  let query = db.selectFrom('recipe_batch_records').selectAll().where('order_id', '=', orderId);
  if (revision !== undefined) query = query.where('revision', '=', revision);
  const row = await query.orderBy('revision', 'desc').limit(1).executeTakeFirst();
  if (!row || !cipher.isSealed(row.body)) return row;
  return { ...row, body: await cipher.open(row.body, { table: 'recipe_batch_records', column: 'body', row: row.id }) };
}

async function assemble(ctx: CommandContext<Database>, sealer: RecipeSealer, order: OrderRow, revision: number) {
  const db = ctx.tx;
  const control = await controlRecipeParts(sourceOf(ctx), sealer, order.id);
  const produced = await producedLots(db, order.id);
  const controlIds = await db.selectFrom('recipe_control').select('id').where('order_id', '=', order.id).execute();
  const record: BatchRecord = {
    kind: 'bastion.batch-record',
    v: 1,
    revision,
    generatedAt: iso(ctx.now),
    generatedBy: ctx.actor.id,
    order: await orderPart(db, order),
    controlRecipes: control.parts,
    deviations: await deviationParts(sourceOf(ctx), order.id),
    lots: { consumed: await consumedLots(db, order.id), produced: produced.lots },
    quality: await inspectionParts(db, order.id, produced.ids),
    signatures: {
      approvals: await approvalParts(db, control.versionIds),
      commands: await commandParts(db, ctx.uow.storage, [order.id, ...controlIds.map((c) => c.id)]),
    },
  };
  return record;
}

/**
 * Generates and stores the sealed batch record of a finished order: SHA-256 over its canonical JSON, signed
 * with the recipe key. Regenerating adds a revision; a stored revision is never changed.
 */
export const generateBatchRecord = (sealer: RecipeSealer) =>
  defineCommand({
    name: 'recipes.batch-record.generate',
    summary: 'Generate the sealed electronic batch record of a completed or closed work order',
    input: Type.Object({ order: orderNumber }, { additionalProperties: false }),
    output: Type.Object(
      { order: Type.String(), revision: Type.Integer(), generatedAt: Type.String(), seal: sealSchema },
      { additionalProperties: false },
    ),
    // not_found: the order, or a control recipe's version while the record is assembled.
    errors: ['not_found', 'order_not_finished'],
    permission: 'recipes.batch-record',
    http: {
      method: 'POST',
      url: '/api/orders/:number/batch-record',
      // The pattern the command enforces on `order`, so the OpenAPI document shows it.
      params: Type.Object({ number: orderNumber }),
      toInput: (params) => ({ order: params.number }),
    },
    async handler(ctx, input) {
      const order = await orderRow(ctx.tx, input.order);
      if (!FINISHED.includes(order.state))
        throw new ConflictError(
          `Work order ${order.number} is ${order.state}; a batch record is made only for a completed or closed order.`,
          'order_not_finished',
        );
      const revision =
        ((
          await ctx.tx
            .selectFrom('recipe_batch_records')
            .select('revision')
            .where('order_id', '=', order.id)
            .orderBy('revision', 'desc')
            .executeTakeFirst()
        )?.revision ?? 0) + 1;
      const body = canonicalJson(await assemble(ctx, sealer, order, revision));
      const seal = sealer.sealBytes(body);
      const id = newId();
      await ctx.tx
        .insertInto('recipe_batch_records')
        .values({
          id,
          order_id: order.id,
          revision,
          // Sealed at rest (it lists every set point); the seal covers the clear canonical JSON.
          body: await ctx.cipher.seal(
            ctx.tx,
            body,
            { table: 'recipe_batch_records', column: 'body', row: id },
            { purpose: BATCH_RECORDS },
          ),
          digest: seal.digest,
          signature: seal.signature,
          key_id: seal.keyId,
          generated_at: ctx.now,
          generated_by: ctx.actor.id,
        })
        .execute();
      ctx.setTarget({ type: 'recipe.batch-record', id });
      ctx.note({ order: order.number, revision, digest: seal.digest });
      ctx.emit('recipes.batch-record-generated', { order: order.number, revision, digest: seal.digest });
      return { order: order.number, revision, generatedAt: iso(ctx.now), seal };
    },
  });
