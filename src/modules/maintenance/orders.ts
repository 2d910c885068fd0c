import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { ReadDb } from '../../kernel/store.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';
import type { Database } from './db.js';
import { requireNode } from '../plant/index.js';
import { equipmentPath, recordState } from '../performance/index.js';

type OrderRow = Database['maintenance_orders'];
const orderNumber = Type.String({ pattern: '^MO-[0-9]{6,}$' });

export async function orderByNumber(db: ReadDb<Database>, number: string): Promise<OrderRow> {
  const row = await db.selectFrom('maintenance_orders').selectAll().where('number', '=', number).executeTakeFirst();
  if (!row) throw new NotFoundError(`No maintenance order ${number}.`);
  return row;
}

/**
 * Work on an order names the equipment it is at, and it must be the order's: the authorizer then checks the
 * mechanic's grant against the real place (as shop-floor commands on work orders do).
 */
async function orderAt(db: ReadDb<Database>, input: { number: string; equipment: string }): Promise<OrderRow> {
  const order = await orderByNumber(db, input.number);
  if (order.equipment_path !== input.equipment)
    throw new ConflictError(
      `${order.number} is for ${order.equipment_path}, not ${input.equipment}.`,
      'wrong_equipment',
    );
  return order;
}

/** Opens an order numbered MO-000001, MO-000002, … (the unique index refuses a concurrent duplicate). */
export async function openOrder(
  ctx: CommandContext<Database>,
  fields: Pick<OrderRow, 'equipment_path' | 'kind' | 'plan_id' | 'description'> & { stopsEquipment: boolean },
): Promise<OrderRow> {
  await requireNode(ctx.tx, fields.equipment_path);
  const { count } = await ctx.tx
    .selectFrom('maintenance_orders')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  const row: OrderRow = {
    id: newId(),
    number: `MO-${String(Number(count) + 1).padStart(6, '0')}`,
    equipment_path: fields.equipment_path,
    kind: fields.kind,
    plan_id: fields.plan_id,
    description: fields.description,
    state: 'open',
    stops_equipment: fields.stopsEquipment ? 1 : 0,
    work_done: null,
    created_at: ctx.now,
    created_by: ctx.actor.id,
    started_at: null,
    completed_at: null,
    completed_by: null,
  };
  await ctx.tx.insertInto('maintenance_orders').values(row).execute();
  ctx.emit('maintenance.order-opened', { number: row.number, equipment: row.equipment_path, kind: row.kind });
  return row;
}

const nullableString = Type.Union([Type.String(), Type.Null()]);
export const orderSchema = Type.Object(
  {
    number: Type.String(),
    equipment: Type.String(),
    kind: Type.String(),
    description: Type.String(),
    state: Type.String(),
    stopsEquipment: Type.Boolean(),
    workDone: nullableString,
    createdAt: nullableString,
    startedAt: nullableString,
    completedAt: nullableString,
    downtimeMinutes: Type.Number(),
  },
  { additionalProperties: false },
);

export function orderView(row: OrderRow) {
  const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());
  return {
    number: row.number,
    equipment: row.equipment_path,
    kind: row.kind,
    description: row.description,
    state: row.state,
    stopsEquipment: row.stops_equipment === 1,
    workDone: row.work_done,
    createdAt: iso(row.created_at),
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
    downtimeMinutes:
      row.stops_equipment === 1 && row.started_at !== null
        ? (Number(row.completed_at ?? row.started_at) - Number(row.started_at)) / 60_000
        : 0,
  };
}

export const reportFault = defineCommand({
  name: 'maintenance.order.open',
  summary: 'Report a fault: open a corrective maintenance order',
  input: Type.Object(
    {
      equipment: equipmentPath,
      description: Type.String({ minLength: 5, maxLength: 2000 }),
      stopsEquipment: Type.Optional(Type.Boolean({ description: 'the work takes the equipment down (default true)' })),
    },
    { additionalProperties: false },
  ),
  output: orderSchema,
  errors: ['not_found'],
  http: { method: 'POST', url: '/api/maintenance/orders' },
  permission: 'maintenance.request',
  scope: (input) => input.equipment,
  async handler(ctx, input) {
    const row = await openOrder(ctx, {
      equipment_path: input.equipment,
      kind: 'corrective',
      plan_id: null,
      description: input.description,
      stopsEquipment: input.stopsEquipment ?? true,
    });
    ctx.setTarget({ type: 'maintenance.order', id: row.id });
    ctx.note({ number: row.number, equipment: input.equipment });
    return orderView(row);
  },
});

/** Maintenance that stops the equipment is its down time: corrective as a breakdown, preventive as planned. */
async function stopFor(ctx: CommandContext<Database>, order: OrderRow) {
  if (order.stops_equipment !== 1) return;
  await recordState(ctx, {
    equipment: order.equipment_path,
    state: order.kind === 'preventive' ? 'planned-stop' : 'down',
    category: 'breakdown',
    reason: `${order.number}: ${order.description.slice(0, 150)}`,
    at: ctx.now,
  });
}

export const startOrder = defineCommand({
  name: 'maintenance.order.start',
  summary: 'Start work on a maintenance order (records the equipment down if the work stops it)',
  input: Type.Object({ number: orderNumber, equipment: equipmentPath }, { additionalProperties: false }),
  output: orderSchema,
  // out_of_order: recording the equipment down before a state it already has (performance's recordState).
  errors: ['not_found', 'wrong_equipment', 'illegal_transition', 'out_of_order'],
  http: { method: 'POST', url: '/api/maintenance/orders/start' },
  permission: 'maintenance.manage',
  scope: (input) => input.equipment,
  async handler(ctx, input) {
    const order = await orderAt(ctx.tx, input);
    if (order.state !== 'open') throw new ConflictError(`${order.number} is ${order.state}.`, 'illegal_transition');
    await ctx.tx
      .updateTable('maintenance_orders')
      .set({ state: 'in-progress', started_at: ctx.now })
      .where('id', '=', order.id)
      .execute();
    await stopFor(ctx, order);
    ctx.setTarget({ type: 'maintenance.order', id: order.id });
    ctx.note({ number: order.number });
    return orderView({ ...order, state: 'in-progress', started_at: ctx.now });
  },
});

export const completeOrder = defineCommand({
  name: 'maintenance.order.complete',
  summary: 'Complete a maintenance order: work done and parts used',
  input: Type.Object(
    {
      number: orderNumber,
      equipment: equipmentPath,
      workDone: Type.String({ minLength: 5, maxLength: 5000 }),
      parts: Type.Optional(
        Type.Array(
          Type.Object(
            {
              part: Type.String({ minLength: 1, maxLength: 100 }),
              quantity: Type.Number({ exclusiveMinimum: 0, maximum: 1e6 }),
              unit: Type.String({ pattern: '^[A-Za-z%/0-9.]{1,12}$' }),
            },
            { additionalProperties: false },
          ),
          { maxItems: 200 },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  output: orderSchema,
  errors: ['not_found', 'wrong_equipment', 'illegal_transition', 'out_of_order'],
  http: { method: 'POST', url: '/api/maintenance/orders/complete' },
  permission: 'maintenance.manage',
  scope: (input) => input.equipment,
  async handler(ctx, input) {
    const order = await orderAt(ctx.tx, input);
    if (order.state !== 'in-progress')
      throw new ConflictError(`${order.number} is ${order.state}; start it first.`, 'illegal_transition');
    const done = { state: 'completed', work_done: input.workDone, completed_at: ctx.now, completed_by: ctx.actor.id };
    await ctx.tx.updateTable('maintenance_orders').set(done).where('id', '=', order.id).execute();
    if (input.parts !== undefined && input.parts.length > 0)
      await ctx.tx
        .insertInto('maintenance_parts')
        .values(input.parts.map((p) => ({ order_id: order.id, ...p })))
        .execute();
    // Back from maintenance the equipment waits for production: idle, until the line reports running.
    if (order.stops_equipment === 1)
      await recordState(ctx, { equipment: order.equipment_path, state: 'idle', at: ctx.now });
    if (order.plan_id !== null)
      await ctx.tx
        .updateTable('maintenance_plans')
        .set({ last_done_at: ctx.now })
        .where('id', '=', order.plan_id)
        .execute();
    ctx.setTarget({ type: 'maintenance.order', id: order.id });
    ctx.note({ number: order.number, parts: input.parts?.length ?? 0 });
    return orderView({ ...order, ...done });
  },
});
