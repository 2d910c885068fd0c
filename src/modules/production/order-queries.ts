import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../../kernel/errors.js';
import type { Database } from './db.js';

/** Reads of work orders, for this module's commands and for the modules that book to orders. */

export type OrderRow = Database['production_orders'];

export async function orderByNumber(db: Kysely<Database>, number: string): Promise<OrderRow> {
  const order = await db.selectFrom('production_orders').selectAll().where('number', '=', number).executeTakeFirst();
  if (!order) throw new NotFoundError(`No work order ${number}.`);
  return order;
}

export function orderView(order: OrderRow) {
  return {
    number: order.number,
    state: order.state,
    quantity: order.quantity,
    line: order.line_path,
    good: order.good_quantity,
    scrap: order.scrap_quantity,
  };
}

/** An order's operations in routing sequence. */
export function operationsOf(db: Kysely<Database>, orderId: string) {
  return db
    .selectFrom('production_order_operations')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('sequence')
    .execute();
}

export async function orderDetail(db: Kysely<Database>, number: string) {
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
 * into an operation only while it runs; an order that is not executing takes none.
 */
export async function bookingTarget(
  db: Kysely<Database>,
  number: string,
  operation?: number,
): Promise<{ orderId: string; operation: number | null }> {
  const order = await orderByNumber(db, number);
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
export async function runningOrderAt(db: Kysely<Database>, equipment: string) {
  const running = await db
    .selectFrom('production_orders')
    .select(['id', 'number', 'line_path', 'material_id'])
    .where('state', '=', 'running')
    .execute();
  return running.find((o) => o.line_path && (equipment === o.line_path || equipment.startsWith(`${o.line_path}/`)));
}
