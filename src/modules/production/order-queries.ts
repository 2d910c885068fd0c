import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError } from '../../kernel/errors.js';
import type { ReadDb } from '../../kernel/store.js';
import type { OrderTables } from './schema.js';

/*
 * Reads take `ReadDb<DB>` for any `DB` holding the tables they read, and look at it with just those tables:
 * TypeScript compares two `ReadDb` instantiations as invariant in their tables, so a module's handle (with more
 * tables) would not be accepted otherwise, though reading a subset of a handle's tables is always safe.
 */

/**
 * Reads of work orders, for this module's commands and for the modules that book to orders. They take only the
 * order tables, so another module's handle (which holds them among its own) can be passed.
 */

export type OrderRow = OrderTables['production_orders'];

export async function orderByNumber<DB extends OrderTables>(handle: ReadDb<DB>, number: string): Promise<OrderRow> {
  const db = handle as unknown as ReadDb<OrderTables>;
  const order = await db.selectFrom('production_orders').selectAll().where('number', '=', number).executeTakeFirst();
  if (!order) throw new NotFoundError(`No work order ${number}.`);
  return order;
}

/** A work order as every answer shows it; `line` is null until the order is dispatched. */
export const orderOutput = Type.Object(
  {
    number: Type.String(),
    state: Type.String(),
    quantity: Type.Number(),
    line: Type.Union([Type.String(), Type.Null()]),
    good: Type.Number(),
    scrap: Type.Number(),
    due: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const orderDetailOutput = Type.Object(
  {
    ...orderOutput.properties,
    operations: Type.Array(
      Type.Object(
        {
          sequence: Type.Integer(),
          name: Type.String(),
          workCell: Type.String(),
          state: Type.String(),
          good: Type.Number(),
          scrap: Type.Number(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export function orderView(order: OrderRow) {
  return {
    number: order.number,
    state: order.state,
    quantity: order.quantity,
    line: order.line_path,
    good: order.good_quantity,
    scrap: order.scrap_quantity,
    due: order.due_at !== null ? new Date(order.due_at).toISOString() : null,
  };
}

/** An order's operations in routing sequence. */
export function operationsOf<DB extends OrderTables>(handle: ReadDb<DB>, orderId: string) {
  const db = handle as unknown as ReadDb<OrderTables>;
  return db
    .selectFrom('production_order_operations')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('sequence')
    .execute();
}

export async function orderDetail<DB extends OrderTables>(handle: ReadDb<DB>, number: string) {
  const db = handle as unknown as ReadDb<OrderTables>;
  const order = await orderByNumber(db, number);
  const operations = await operationsOf(db, order.id);
  return {
    ...orderView(order),
    operations: operations.map((op) => ({
      sequence: op.sequence,
      name: op.name,
      workCell: op.work_cell,
      state: op.state,
      good: op.good_quantity,
      scrap: op.scrap_quantity,
    })),
  };
}

/**
 * The work order (and, when given, its operation) that consumption and output are booked to. Material goes
 * into an operation only while it runs; an order that is not executing takes none. A command checked at a
 * line (its scope) names that line, and it must be the order's.
 */
export async function bookingTarget<DB extends OrderTables>(
  handle: ReadDb<DB>,
  number: string,
  operation?: number,
  line?: string,
): Promise<{ orderId: string; operation: number | null }> {
  const db = handle as unknown as ReadDb<OrderTables>;
  const order = await orderByNumber(db, number);
  if (line !== undefined && order.line_path !== line)
    throw new ConflictError(
      `Work order ${order.number} runs on ${order.line_path ?? 'no line yet'}, not ${line}.`,
      'wrong_line',
    );
  if (operation === undefined) return { orderId: order.id, operation: null };
  const op = await db
    .selectFrom('production_order_operations')
    .select('state')
    .where('order_id', '=', order.id)
    .where('sequence', '=', operation)
    .executeTakeFirst();
  if (!op) throw new NotFoundError(`Work order ${number} has no operation ${operation}.`);
  if (op.state !== 'running')
    throw new ConflictError(
      `Operation ${operation} of ${number} is ${op.state}; material is consumed into a running operation.`,
      'operation_not_running',
    );
  return { orderId: order.id, operation };
}

/** The work order running at a place: the one whose line is the equipment's line (or the equipment itself). */
export async function runningOrderAt<DB extends OrderTables>(handle: ReadDb<DB>, equipment: string) {
  const db = handle as unknown as ReadDb<OrderTables>;
  const running = await db
    .selectFrom('production_orders')
    .select(['id', 'number', 'line_path', 'material_id'])
    .where('state', '=', 'running')
    .execute();
  return running.find(
    (o) =>
      o.line_path !== null &&
      o.line_path !== '' &&
      (equipment === o.line_path || equipment.startsWith(`${o.line_path}/`)),
  );
}
