import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand, type Database } from './db.js';
import { holdLot, lotByNumber, lotNumber, type LotRow } from '../genealogy/index.js';
import { activePlan, planCode, type Characteristic, type PlanRow } from './plans.js';
import { openNcr } from './ncrs.js';

const measurement = Type.Object(
  {
    characteristic: Type.String({ maxLength: 60 }),
    values: Type.Array(Type.Number(), { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);

/** Checks the sample against the plan: every characteristic once, with exactly its subgroup size of values. */
function matchPlan(characteristics: Characteristic[], measurements: { characteristic: string; values: number[] }[]) {
  const problems = characteristics.flatMap((c) => {
    const given = measurements.filter((m) => m.characteristic === c.name);
    if (given.length !== 1) return [{ path: '/measurements', message: `${c.name}: expected once` }];
    if (given[0]!.values.length !== c.subgroupSize)
      return [{ path: '/measurements', message: `${c.name}: expected ${c.subgroupSize} value(s)` }];
    return [];
  });
  const unknown = measurements.filter((m) => !characteristics.some((c) => c.name === m.characteristic));
  problems.push(...unknown.map((m) => ({ path: '/measurements', message: `${m.characteristic}: not in the plan` })));
  if (problems.length > 0) throw new ValidationError('The measurements do not match the inspection plan.', problems);
}

/** Pass/fail is computed here from the plan's limits, never taken from the caller. */
export function judge(c: Characteristic, value: number): boolean {
  return value >= c.lower && value <= c.upper;
}

async function subjectOf(
  ctx: CommandContext<Database>,
  plan: PlanRow,
  input: { lot?: string; order?: string; line?: string },
) {
  if (input.line !== undefined && (input.order === undefined || input.order === ''))
    throw new ValidationError('A line belongs to a work order: name the order too.', [
      { path: '/order', message: 'required with line' },
    ]);
  const lot = input.lot !== undefined && input.lot !== '' ? await lotByNumber(ctx.tx, input.lot) : undefined;
  if (lot && lot.material_id !== plan.material_id)
    throw new ValidationError(`Lot ${lot.number} is not of the plan's product.`, [
      { path: '/lot', message: 'wrong material' },
    ]);
  const order =
    input.order !== undefined && input.order !== ''
      ? await ctx.tx
          .selectFrom('production_orders')
          .select(['id', 'material_id', 'line_path'])
          .where('number', '=', input.order)
          .executeTakeFirst()
      : undefined;
  if (input.order !== undefined && input.order !== '' && !order)
    throw new NotFoundError(`No work order ${input.order}.`);
  if (order && input.line !== undefined && order.line_path !== input.line)
    throw new ConflictError(
      `Work order ${input.order} runs on ${order.line_path ?? 'no line yet'}, not ${input.line}.`,
      'wrong_line',
    );
  if (order && order.material_id !== plan.material_id)
    throw new ValidationError(`Order ${input.order} makes another product.`, [
      { path: '/order', message: 'wrong product' },
    ]);
  return { lot, orderId: order?.id ?? null };
}

async function onFailure(
  ctx: CommandContext<Database>,
  lot: LotRow | undefined,
  inspectionId: string,
  failed: string[],
) {
  const description = `Inspection failed: ${failed.join(', ')} outside the specification limits.`;
  if (lot?.state === 'available') await holdLot(ctx, lot, description);
  return (await openNcr(ctx, { lotId: lot?.id ?? null, inspectionId, description })).number;
}

/**
 * Records one inspection. A value outside its limits fails the inspection; a failed lot is put on hold and a
 * non-conformance report is opened, in the same transaction.
 */
export const recordInspection = defineCommand({
  name: 'quality.inspection.record',
  summary: 'Record measured values against an inspection plan (pass/fail computed)',
  input: Type.Object(
    {
      plan: planCode,
      lot: Type.Optional(lotNumber),
      order: Type.Optional(Type.String({ maxLength: 40 })),
      line: Type.Optional(
        Type.String({
          pattern: '^/[a-z0-9][a-z0-9._/-]*$',
          maxLength: 300,
          description:
            "the order's line: the command is then checked at that line (an operator's grant), not plant-wide",
        }),
      ),
      measurements: Type.Array(measurement, { minItems: 1, maxItems: 50 }),
    },
    { additionalProperties: false },
  ),
  output: Type.Object(
    {
      id: Type.String(),
      plan: Type.String(),
      planVersion: Type.Integer(),
      lot: Type.Union([Type.String(), Type.Null()]),
      result: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
      failed: Type.Array(Type.String()),
      ncr: Type.Union([Type.String(), Type.Null()]),
      lotHeld: Type.Boolean(),
      measurements: Type.Array(
        Type.Object(
          { characteristic: Type.String(), sample: Type.Integer(), value: Type.Number(), passed: Type.Boolean() },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  // validation_failed: the sample does not match the plan, or the lot or order is of another product.
  errors: ['validation_failed', 'not_found', 'wrong_line'],
  http: { method: 'POST', url: '/api/quality/inspections' },
  permission: 'quality.inspect',
  scope: (input) => input.line ?? '/',
  async handler(ctx, input) {
    const plan = await activePlan(ctx.tx, input.plan);
    const characteristics = JSON.parse(plan.characteristics) as Characteristic[];
    matchPlan(characteristics, input.measurements);
    const { lot, orderId } = await subjectOf(ctx, plan, input);
    const id = newId();
    const rows = characteristics.flatMap((c) =>
      input.measurements
        .find((m) => m.characteristic === c.name)!
        .values.map((value, sample) => ({ characteristic: c.name, sample, value, passed: judge(c, value) })),
    );
    const failed = [...new Set(rows.filter((r) => !r.passed).map((r) => r.characteristic))];
    const result = failed.length > 0 ? ('fail' as const) : ('pass' as const);
    await ctx.tx
      .insertInto('quality_inspections')
      .values({
        id,
        plan_id: plan.id,
        lot_id: lot?.id ?? null,
        order_id: orderId,
        result,
        inspected_at: ctx.now,
        inspected_by: ctx.actor.id,
      })
      .execute();
    await ctx.tx
      .insertInto('quality_measurements')
      .values(rows.map((r) => ({ ...r, inspection_id: id, passed: r.passed ? 1 : 0 })))
      .execute();
    const ncr = failed.length > 0 ? await onFailure(ctx, lot, id, failed) : null;
    ctx.setTarget({ type: 'quality.inspection', id });
    ctx.note({ plan: plan.code, version: plan.version, lot: input.lot ?? null, result, failed, ncr });
    ctx.emit(`quality.inspection-${result === 'pass' ? 'passed' : 'failed'}`, { id, lot: input.lot ?? null });
    return {
      id,
      plan: plan.code,
      planVersion: plan.version,
      lot: input.lot ?? null,
      result,
      failed,
      ncr,
      lotHeld: failed.length > 0 && lot?.state === 'available',
      measurements: rows,
    };
  },
});
