import { Type } from '@sinclair/typebox';
import { ConflictError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { ReadDb } from '../../kernel/store.js';
import { afterKey, keyOfCursor, keyOfRow, type KeysetOrder } from '../../kernel/keyset.js';
import { pageFrom } from '../../kernel/pagination.js';
import { withinScopes, type ReadScopes } from '../../kernel/scopes.js';
import { defineCommand } from './db.js';
import type { Database } from './db.js';
import { equipmentPath, partsMadeSince } from '../performance/index.js';
import { requireNode } from '../plant/index.js';
import { openOrder } from './orders.js';

type PlanRow = Database['maintenance_plans'];
const DAY_MS = 86_400_000;

export const definePlan = defineCommand({
  name: 'maintenance.plan.define',
  summary: 'Plan preventive maintenance: every N days, or every N parts the equipment makes',
  input: Type.Object(
    {
      code: Type.String({ pattern: '^[A-Z0-9][A-Z0-9._-]{0,39}$' }),
      equipment: equipmentPath,
      trigger: Type.Union([Type.Literal('calendar'), Type.Literal('counter')]),
      interval: Type.Number({ exclusiveMinimum: 0, maximum: 1e9, description: 'days (calendar) or parts (counter)' }),
      task: Type.String({ minLength: 5, maxLength: 2000 }),
    },
    { additionalProperties: false },
  ),
  output: Type.Object(
    {
      code: Type.String(),
      equipment: Type.String(),
      trigger: Type.Union([Type.Literal('calendar'), Type.Literal('counter')]),
      interval: Type.Number(),
    },
    { additionalProperties: false },
  ),
  errors: ['not_found', 'plan_exists'],
  http: { method: 'POST', url: '/api/maintenance/plans' },
  permission: 'maintenance.manage',
  scope: (input) => input.equipment,
  async handler(ctx, input) {
    await requireNode(ctx.tx, input.equipment);
    if (await ctx.tx.selectFrom('maintenance_plans').select('id').where('code', '=', input.code).executeTakeFirst())
      throw new ConflictError(`Maintenance plan ${input.code} exists already.`, 'plan_exists');
    const row: PlanRow = {
      id: newId(),
      code: input.code,
      equipment_path: input.equipment,
      trigger: input.trigger,
      interval: input.interval,
      task: input.task,
      last_done_at: ctx.now,
      created_at: ctx.now,
    };
    await ctx.tx.insertInto('maintenance_plans').values(row).execute();
    ctx.setTarget({ type: 'maintenance.plan', id: row.id });
    ctx.note({ code: row.code, trigger: row.trigger, interval: row.interval });
    return { code: row.code, equipment: row.equipment_path, trigger: input.trigger, interval: row.interval };
  },
});

/** How far a plan has run: days or parts since it was last done, against its interval. */
async function progressOf(db: ReadDb<Database>, plan: PlanRow, now: number) {
  const used =
    plan.trigger === 'calendar'
      ? (now - Number(plan.last_done_at)) / DAY_MS
      : await partsMadeSince(db, plan.equipment_path, Number(plan.last_done_at));
  return { used, due: used >= plan.interval };
}

export const planProgressSchema = Type.Object(
  {
    code: Type.String(),
    equipment: Type.String(),
    trigger: Type.String(),
    interval: Type.Number(),
    task: Type.String(),
    lastDoneAt: Type.String(),
    used: Type.Number(),
    due: Type.Boolean(),
  },
  { additionalProperties: false },
);

const PLAN_ORDER: KeysetOrder = { sort: 'code', id: 'id', direction: 'asc', sortType: 'string' };

/** A page of plans by code (id breaks ties) inside the reader's scopes, each with how far it has run. */
export async function pagePlans(
  db: ReadDb<Database>,
  now: number,
  filter: { equipment?: string; trigger?: string },
  scopes: ReadScopes,
  page: { limit: number; cursor?: string },
) {
  let query = db
    .selectFrom('maintenance_plans')
    .selectAll()
    .where((eb) => withinScopes(eb, 'equipment_path', scopes));
  const at = filter.equipment;
  if (at !== undefined)
    query = query.where((eb) => withinScopes(eb, 'equipment_path', { everywhere: false, paths: [at] }));
  if (filter.trigger !== undefined) query = query.where('trigger', '=', filter.trigger);
  if (page.cursor !== undefined) query = query.where(afterKey(PLAN_ORDER, keyOfCursor(page.cursor, PLAN_ORDER)));
  const rows = await query
    .orderBy('code')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  const shown = pageFrom(
    rows,
    page.limit,
    (r) => keyOfRow(PLAN_ORDER, r.code, r.id),
    (r) => r,
  );
  const items = [];
  for (const plan of shown.items) {
    const { used, due } = await progressOf(db, plan, now);
    items.push({
      code: plan.code,
      equipment: plan.equipment_path,
      trigger: plan.trigger,
      interval: plan.interval,
      task: plan.task,
      lastDoneAt: new Date(Number(plan.last_done_at)).toISOString(),
      used,
      due,
    });
  }
  return { items, nextCursor: shown.nextCursor };
}

/**
 * Opens a preventive order for every plan that is due and has no order still open; running it twice opens
 * nothing new, so a timer or an operator may run it as often as they like.
 */
export const schedulePlans = defineCommand({
  name: 'maintenance.plans.schedule',
  summary: 'Open preventive maintenance orders for the plans that are due',
  input: Type.Object(
    { equipment: Type.Optional(equipmentPath) },
    { additionalProperties: false, description: 'only plans at this equipment and below (default: all)' },
  ),
  output: Type.Object({ opened: Type.Array(Type.String()) }, { additionalProperties: false }),
  // not_found: a due plan's equipment has been retired since (openOrder checks the node).
  errors: ['not_found'],
  http: { method: 'POST', url: '/api/maintenance/plans/schedule' },
  permission: 'maintenance.manage',
  scope: (input) => input.equipment ?? '/',
  async handler(ctx, input) {
    const opened: string[] = [];
    const scope = input.equipment;
    const plans = await ctx.tx.selectFrom('maintenance_plans').selectAll().execute();
    const inScope = plans.filter(
      (p) =>
        scope === undefined || scope === '' || p.equipment_path === scope || p.equipment_path.startsWith(`${scope}/`),
    );
    for (const plan of inScope) {
      if (!(await progressOf(ctx.tx, plan, ctx.now)).due) continue;
      const pending = await ctx.tx
        .selectFrom('maintenance_orders')
        .select('id')
        .where('plan_id', '=', plan.id)
        .where('state', '!=', 'completed')
        .executeTakeFirst();
      if (pending) continue;
      const order = await openOrder(ctx, {
        equipment_path: plan.equipment_path,
        kind: 'preventive',
        plan_id: plan.id,
        description: `${plan.code}: ${plan.task}`,
        stopsEquipment: true,
      });
      opened.push(order.number);
    }
    ctx.note({ opened });
    return { opened };
  },
});
