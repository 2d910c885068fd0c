import { Type } from '@sinclair/typebox';
import { newId } from '../../kernel/ids.js';
import type { CommandContext } from '../../kernel/pipeline/types.js';
import { reportAtPlace } from '../plant/index.js';
import { holdLot } from '../genealogy/index.js';
import { runningOrderAt } from '../production/index.js';
import type { Database } from './db.js';
import { openParameters, sealReading } from './sealed-content.js';
import type { Parameter } from './model.js';

export interface ProcessValue {
  parameter: string;
  value: number;
  ts: number;
}

/** The control recipe in force for an order: the one issued last. */
async function controlRecipeOf(ctx: CommandContext<Database>, orderId: string) {
  const control = await ctx.tx
    .selectFrom('recipe_control as c')
    .innerJoin('recipe_versions as v', 'v.id', 'c.version_id')
    .select(['c.id', 'v.id as version_id', 'v.parameters'])
    .where('c.order_id', '=', orderId)
    .orderBy('c.issued_at', 'desc')
    .executeTakeFirst();
  if (!control) return undefined;
  return {
    id: control.id,
    parameters: await openParameters<Parameter>(ctx.cipher, control.version_id, control.parameters),
  };
}

/** A critical parameter out of range puts the order's output on hold: quality decides what happens to it. */
async function holdOutput(ctx: CommandContext<Database>, orderId: string, reason: string) {
  const lots = await ctx.tx
    .selectFrom('genealogy_lots')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('state', '=', 'available')
    .execute();
  for (const lot of lots) await holdLot(ctx, lot, reason);
  return lots.length;
}

/**
 * Checks process values from a place against the validated ranges of the control recipe of the order
 * running there; each value outside its range is a deviation on the order, and a critical one holds the
 * order's output lots. Values of parameters the recipe does not name are not its business.
 */
export async function checkProcessValues(ctx: CommandContext<Database>, equipment: string, values: ProcessValue[]) {
  const order = await runningOrderAt(ctx.tx, equipment);
  const control = order ? await controlRecipeOf(ctx, order.id) : undefined;
  if (!order || !control) return { deviations: 0, held: 0 };
  let deviations = 0;
  let held = 0;
  for (const v of values) {
    const p = control.parameters.find((q) => q.name === v.parameter);
    if (!p || (v.value >= p.low && v.value <= p.high)) continue;
    const id = newId();
    await ctx.tx
      .insertInto('recipe_deviations')
      .values({
        id,
        order_id: order.id,
        control_id: control.id,
        parameter: p.name,
        kind: 'out-of-range',
        reading: await sealReading(ctx, 'recipe_deviations', id, { value: v.value, low: p.low, high: p.high }),
        critical: p.critical ? 1 : 0,
        equipment,
        at: v.ts,
      })
      .execute();
    deviations += 1;
    ctx.emit('recipes.deviation', { order: order.number, parameter: p.name, critical: p.critical, equipment });
    if (p.critical) held += await holdOutput(ctx, order.id, `${order.number}: ${p.name} outside its validated range`);
  }
  return { deviations, held };
}

/** The plant's report-at-a-place command, with what this report answers and where it is reached. */
export const reportProcessValues = {
  ...reportAtPlace({
    name: 'recipes.process-values.report',
    summary: 'Report process values at a place; values outside the control recipe’s ranges become deviations',
    key: 'values',
    items: Type.Object(
      { parameter: Type.String({ maxLength: 80 }), value: Type.Number(), ts: Type.Integer({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    apply: checkProcessValues,
  }),
  output: Type.Object({ deviations: Type.Integer(), held: Type.Integer() }, { additionalProperties: false }),
  // illegal_transition: holding an output lot that left 'available' meanwhile (holdLot).
  errors: ['illegal_transition'] as const,
  http: { method: 'POST' as const, url: '/api/process-values' },
};
