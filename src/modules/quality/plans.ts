import { Type, type Static } from '@sinclair/typebox';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { ReadDb } from '../../kernel/store.js';
import { defineCommand } from './db.js';
import type { Database } from './db.js';
import { definitionsOf, materialByCode, materialCode, unit } from '../production/index.js';

export const planCode = Type.String({ pattern: '^[A-Z0-9][A-Z0-9._-]{0,39}$', description: 'inspection plan code' });

export const characteristic = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,59}$', description: 'e.g. bore-diameter' }),
    unit,
    nominal: Type.Number(),
    lower: Type.Number({ description: 'lower specification limit' }),
    upper: Type.Number({ description: 'upper specification limit' }),
    subgroupSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10, description: 'values per inspection (default 1: individuals)' }),
    ),
  },
  { additionalProperties: false },
);
/** As stored: the subgroup size is always set. */
export type Characteristic = Static<typeof characteristic> & { subgroupSize: number };
export type PlanRow = Database['quality_plans'];

/** A plan as answered: stored characteristics always carry their subgroup size. */
export const planSchema = Type.Object(
  {
    code: Type.String(),
    version: Type.Integer(),
    product: Type.String(),
    operation: Type.Union([Type.Integer(), Type.Null()]),
    state: Type.String(),
    characteristics: Type.Array(characteristic),
    createdAt: Type.String(),
  },
  { additionalProperties: false },
);

export function planView(row: PlanRow, product: string) {
  return {
    code: row.code,
    version: row.version,
    product,
    operation: row.operation,
    state: row.state,
    characteristics: JSON.parse(row.characteristics) as Characteristic[],
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The plan version in force for `code`. */
export async function activePlan(db: ReadDb<Database>, code: string): Promise<PlanRow> {
  const plan = await db
    .selectFrom('quality_plans')
    .selectAll()
    .where('code', '=', code)
    .where('state', '=', 'active')
    .executeTakeFirst();
  if (!plan) throw new NotFoundError(`No inspection plan ${code}.`);
  return plan;
}

function checkCharacteristics(list: Static<typeof characteristic>[]) {
  const problems = list.flatMap((c, i) => {
    const path = `/characteristics/${i}`;
    if (c.lower >= c.upper) return [{ path, message: 'lower limit must be below the upper limit' }];
    if (c.nominal < c.lower || c.nominal > c.upper) return [{ path, message: 'nominal must lie within the limits' }];
    if (list.findIndex((other) => other.name === c.name) !== i) return [{ path, message: 'name used twice' }];
    return [];
  });
  if (problems.length > 0) throw new ValidationError('The characteristics do not make sense.', problems);
}

/** Creates a plan or its next version (the previous version is superseded, never changed). */
export const definePlan = defineCommand({
  name: 'quality.plan.define',
  summary: 'Define an inspection plan (a new version if the code exists)',
  input: Type.Object(
    {
      code: planCode,
      product: materialCode,
      operation: Type.Optional(Type.Integer({ minimum: 1, maximum: 9999, description: 'routing operation' })),
      characteristics: Type.Array(characteristic, { minItems: 1, maxItems: 50 }),
    },
    { additionalProperties: false },
  ),
  output: planSchema,
  errors: ['validation_failed', 'not_found', 'plan_product_mismatch'],
  http: { method: 'POST', url: '/api/quality/plans' },
  permission: 'quality.plans.manage',
  async handler(ctx, input) {
    checkCharacteristics(input.characteristics);
    const product = await materialByCode(ctx.tx, input.product);
    if (input.operation !== undefined) {
      const routed = (await definitionsOf(ctx.tx, product)).some(
        (d) => d.state === 'released' && d.routing.some((op) => op.sequence === input.operation),
      );
      if (!routed)
        throw new NotFoundError(`No released version of ${product.code} has an operation ${input.operation}.`);
    }
    const previous = await ctx.tx
      .selectFrom('quality_plans')
      .selectAll()
      .where('code', '=', input.code)
      .orderBy('version', 'desc')
      .executeTakeFirst();
    if (previous && previous.material_id !== product.id)
      throw new ConflictError(`Plan ${input.code} belongs to another product.`, 'plan_product_mismatch');
    if (previous)
      await ctx.tx.updateTable('quality_plans').set({ state: 'superseded' }).where('id', '=', previous.id).execute();
    const row: PlanRow = {
      id: newId(),
      code: input.code,
      version: (previous?.version ?? 0) + 1,
      material_id: product.id,
      operation: input.operation ?? null,
      characteristics: JSON.stringify(input.characteristics.map((c) => ({ ...c, subgroupSize: c.subgroupSize ?? 1 }))),
      state: 'active',
      created_at: ctx.now,
      created_by: ctx.actor.id,
    };
    await ctx.tx.insertInto('quality_plans').values(row).execute();
    ctx.setTarget({ type: 'quality.plan', id: row.id });
    ctx.note({ code: row.code, version: row.version, product: product.code });
    return planView(row, product.code);
  },
});
