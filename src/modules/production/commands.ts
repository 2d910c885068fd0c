import { addAttachment, carryAttachments } from './attachments.js';
import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { defineCommand } from './db.js';
import { nodeByPath } from '../plant/index.js';
import {
  bomItem,
  definitionView,
  materialByCode,
  materialCode,
  materialKind,
  materialOutput,
  materialView,
  definitionOutput,
  operation,
  unit,
} from './definitions.js';
import { withArticle } from '../plant/index.js';

/** Routings run on cells, units, lines or equipment; not on sites or areas. */
const RUNNABLE_LEVELS = new Set(['line', 'process-cell', 'work-cell', 'unit', 'equipment']);

export const createMaterial = defineCommand({
  name: 'production.material.create',
  summary: 'Define a material (raw, intermediate or finished)',
  input: Type.Object(
    { code: materialCode, name: Type.String({ minLength: 1, maxLength: 200 }), kind: materialKind, unit },
    { additionalProperties: false },
  ),
  output: materialOutput,
  errors: ['material_exists'],
  http: { method: 'POST', url: '/api/materials' },
  permission: 'production.materials.manage',
  async handler(ctx, input) {
    const taken = await ctx.tx
      .selectFrom('production_materials')
      .select('id')
      .where('code', '=', input.code)
      .executeTakeFirst();
    if (taken) throw new ConflictError(`A material ${input.code} exists already.`, 'material_exists');
    const row = {
      id: newId(),
      code: input.code,
      name: input.name,
      kind: input.kind,
      unit: input.unit,
      created_at: ctx.now,
      retired_at: null,
    };
    await ctx.tx.insertInto('production_materials').values(row).execute();
    ctx.setTarget({ type: 'production.material', id: row.id });
    ctx.recordChange(undefined, materialView(row));
    return materialView(row);
  },
});

async function checkBom(
  ctx: Parameters<typeof createMaterial.handler>[0],
  productCode: string,
  items: { material: string; unit: string }[],
) {
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (item.material === productCode)
      throw new ValidationError('A product cannot consume itself.', [
        { path: `/bom/${i}/material`, message: 'is the product itself' },
      ]);
    if (seen.has(item.material))
      throw new ValidationError(`${item.material} appears twice in the BOM.`, [
        { path: `/bom/${i}/material`, message: 'listed twice' },
      ]);
    seen.add(item.material);
    const material = await materialByCode(ctx.tx, item.material);
    if (material.unit !== item.unit)
      throw new ValidationError(`${item.material} is counted in ${material.unit}, not ${item.unit}.`, [
        { path: `/bom/${i}/unit`, message: `must be ${material.unit}` },
      ]);
  }
}

async function checkRouting(
  ctx: Parameters<typeof createMaterial.handler>[0],
  operations: { sequence: number; workCell: string; standardCycleSeconds: number; idealCycleSeconds: number }[],
) {
  const sequences = operations.map((op) => op.sequence);
  if (new Set(sequences).size !== sequences.length)
    throw new ValidationError('Operation sequence numbers must be unique.', [
      { path: '/routing', message: 'duplicate sequence number' },
    ]);
  for (const [i, op] of operations.entries()) {
    const node = await nodeByPath(ctx.tx, op.workCell);
    if (!node || node.retired_at !== null) throw new NotFoundError(`No plant node at ${op.workCell}.`);
    if (!RUNNABLE_LEVELS.has(node.level))
      throw new ValidationError(
        `Operations run on a line, cell, unit or equipment, not on ${withArticle(node.level)}.`,
        [{ path: `/routing/${i}/workCell`, message: `is ${withArticle(node.level)}` }],
      );
    if (op.idealCycleSeconds > op.standardCycleSeconds)
      throw new ValidationError('The ideal cycle time cannot exceed the standard one.', [
        { path: `/routing/${i}/idealCycleSeconds`, message: 'exceeds standardCycleSeconds' },
      ]);
  }
}

/** A new draft version of a product: BOM and routing, checked against materials and the plant; a reason is required. */
export const draftDefinition = defineCommand({
  name: 'production.definition.draft',
  summary: 'Draft a new version of a product (BOM and routing)',
  input: Type.Object(
    {
      product: materialCode,
      bom: Type.Array(bomItem, { minItems: 1, maxItems: 500 }),
      routing: Type.Array(operation, { minItems: 1, maxItems: 200 }),
      reason: Type.String({
        minLength: 5,
        maxLength: 500,
        description: 'why this version exists (5 to 500 characters)',
      }),
    },
    { additionalProperties: false },
  ),
  output: definitionOutput,
  // not_found: the product, a BOM material or a work cell is missing.
  errors: ['not_found', 'validation_failed'],
  http: { method: 'POST', url: '/api/products/versions' },
  permission: 'production.definitions.manage',
  async handler(ctx, input) {
    const product = await materialByCode(ctx.tx, input.product);
    if (product.kind === 'raw')
      throw new ValidationError(
        `${input.product} is a raw material; only intermediates and finished goods have a BOM.`,
        [{ path: '/product', message: 'is a raw material' }],
      );
    await checkBom(ctx, input.product, input.bom);
    await checkRouting(ctx, input.routing);
    const last = await ctx.tx
      .selectFrom('production_definitions')
      .select(['id', 'version'])
      .where('material_id', '=', product.id)
      .orderBy('version', 'desc')
      .executeTakeFirst();
    const routing = [...input.routing].sort((a, b) => a.sequence - b.sequence);
    const row = {
      id: newId(),
      material_id: product.id,
      version: (last?.version ?? 0) + 1,
      state: 'draft',
      bom: JSON.stringify(input.bom),
      routing: JSON.stringify(routing),
      reason: input.reason,
      created_at: ctx.now,
      created_by: ctx.actor.id,
      released_at: null,
    };
    await ctx.tx.insertInto('production_definitions').values(row).execute();
    if (last) await carryAttachments(ctx, last.id, row.id, routing);
    ctx.setTarget({ type: 'production.definition', id: row.id });
    ctx.recordChange(undefined, definitionView(row, product.code));
    ctx.note({ product: product.code, version: row.version, reason: input.reason });
    return definitionView(row, product.code);
  },
});

/** Releases a draft: it becomes the one version production may use; the previously released one is superseded. */
export const releaseDefinition = defineCommand({
  name: 'production.definition.release',
  summary: 'Release a draft version for production (the previous release is superseded)',
  input: Type.Object({ product: materialCode, version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  output: Type.Object(
    { product: Type.String(), version: Type.Integer(), state: Type.Literal('released') },
    { additionalProperties: false },
  ),
  errors: ['not_found', 'illegal_transition'],
  http: { method: 'POST', url: '/api/products/versions/release' },
  permission: 'production.definitions.manage',
  async handler(ctx, input) {
    const product = await materialByCode(ctx.tx, input.product);
    const draft = await ctx.tx
      .selectFrom('production_definitions')
      .selectAll()
      .where('material_id', '=', product.id)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (!draft) throw new NotFoundError(`${input.product} has no version ${input.version}.`);
    if (draft.state !== 'draft')
      throw new ConflictError(
        `Version ${input.version} of ${input.product} is ${draft.state}; only a draft can be released.`,
        'illegal_transition',
      );
    await ctx.tx
      .updateTable('production_definitions')
      .set({ state: 'superseded' })
      .where('material_id', '=', product.id)
      .where('state', '=', 'released')
      .execute();
    await ctx.tx
      .updateTable('production_definitions')
      .set({ state: 'released', released_at: ctx.now })
      .where('id', '=', draft.id)
      .execute();
    ctx.setTarget({ type: 'production.definition', id: draft.id });
    ctx.note({ product: product.code, version: draft.version });
    return { product: product.code, version: draft.version, state: 'released' as const };
  },
});

export const productionCommands = [createMaterial, draftDefinition, releaseDefinition, addAttachment];
