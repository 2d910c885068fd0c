import { Type, type Static } from '@sinclair/typebox';
import { sha256Hex } from '../../kernel/digest.js';
import { NotFoundError } from '../../kernel/errors.js';
import type { PermissionCatalog } from '../../kernel/pipeline/permissions.js';
import { type Actor } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';
import { grantHolds } from '../identity/index.js';
import { covers, ENTERPRISE } from '../identity/index.js';
import { latestBatchRecord, orderNumber } from './batch-record.js';
import { sourceOf, type RecipeSource } from './sealed-content.js';
import { orderRow } from './batch-record-collect.js';
import { batchRecord, type BatchRecord } from './batch-record-model.js';
import { sealSchema, type RecipeSealer } from './seal.js';
import { openDisplayName } from '../identity/index.js';

export const batchRecordExport = Type.Object(
  {
    record: batchRecord,
    seal: sealSchema,
    /** The stored bytes still match the seal (recomputed at every export). */
    intact: Type.Boolean(),
    /**
     * Display names by actor id, only for a reader who may read accounts; null otherwise (ids only). Signers'
     * printed names (21 CFR 11.50), so not masked by the response layer's personal-data clearance.
     */
    names: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
    watermark: Type.Object(
      { reader: Type.String(), at: Type.String(), fingerprint: Type.String(), notice: Type.String() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type BatchRecordExport = Static<typeof batchRecordExport>;

/**
 * Whether the actor holds a permission at enterprise scope, asked without the pipeline: a "no" here is not a
 * denied attempt (nothing to audit or alert on), it only means ids are shown instead of names. Supervisor
 * overrides are not considered: the safe failure is fewer names, not more.
 */
function holds(actor: Actor, catalog: PermissionCatalog, permission: string): boolean {
  const definition = catalog.get(permission);
  if (!definition) return false;
  if (actor.kind === 'console') return definition.console === true;
  return (actor.grants ?? []).some((g) => covers(g.scope, ENTERPRISE) && grantHolds(g, definition));
}

function actorIds(record: BatchRecord): string[] {
  return [
    record.generatedBy,
    ...record.controlRecipes.map((c) => c.issuedBy),
    ...record.quality.map((q) => q.inspectedBy),
    ...record.signatures.approvals.map((a) => a.approverId),
    ...record.signatures.commands.map((c) => c.actorId),
  ];
}

async function displayNames({ db, cipher }: RecipeSource, ids: string[]): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return Object.fromEntries(
    await Promise.all(rows.map(async (r) => [r.id, await openDisplayName(cipher, r.id, r.display_name)] as const)),
  );
}

/**
 * Exporting a batch record is a command, so every export is authorised and audited, with a watermark that is
 * also in the audit record. Access decision: the record shows each deviation with its value and validated
 * limits, because they are the evidence of what happened; those limits are recipe trade secrets, so the
 * export needs `recipes.read-secret` (not the weaker `recipes.batch-record` that may generate it, whose
 * answer carries only the seal). Masking values instead would leave a record whose seal no reader could check.
 */
export const exportBatchRecord = (sealer: RecipeSealer, catalog: PermissionCatalog) =>
  defineCommand({
    name: 'recipes.batch-record.export',
    summary: 'Export the sealed batch record of a work order (JSON or PDF; audited, watermarked)',
    input: Type.Object(
      {
        order: orderNumber,
        revision: Type.Optional(Type.Integer({ minimum: 1, description: 'default: the latest' })),
        format: Type.Union([Type.Literal('json'), Type.Literal('pdf')]),
      },
      { additionalProperties: false },
    ),
    output: batchRecordExport,
    errors: ['not_found'],
    permission: 'recipes.read-secret',
    async handler(ctx, input): Promise<BatchRecordExport> {
      const order = await orderRow(ctx.tx, input.order);
      const row = await latestBatchRecord(sourceOf(ctx), order.id, input.revision);
      if (!row)
        throw new NotFoundError(
          `Work order ${order.number} has no batch record${input.revision !== undefined ? ` revision ${input.revision}` : ''}.`,
        );
      const seal = { digest: row.digest, signature: row.signature, keyId: row.key_id };
      const record = JSON.parse(row.body) as BatchRecord;
      const names = holds(ctx.actor, catalog, 'identity.users.read')
        ? await displayNames(sourceOf(ctx), actorIds(record))
        : null;
      const at = new Date(ctx.now).toISOString();
      const fingerprint = sha256Hex(`${ctx.actor.id}|${at}|${row.digest}|${input.format}`).slice(0, 24);
      ctx.setTarget({ type: 'recipe.batch-record', id: row.id });
      ctx.note({ order: order.number, revision: row.revision, digest: row.digest, format: input.format, fingerprint });
      return {
        record,
        seal,
        intact: sealer.verifyBytes(row.body, seal),
        names,
        watermark: {
          reader: ctx.actor.id,
          at,
          fingerprint,
          notice: 'Confidential: contains trade secrets of the plant.',
        },
      };
    },
  });
