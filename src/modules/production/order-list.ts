import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { NotFoundError } from '../../kernel/errors.js';
import { pageFrom, pageOf, pageQuery } from '../../kernel/pagination.js';
import { scopeIncludes, type ReadScopes } from '../../kernel/scopes.js';
import type { ReadDb } from '../../kernel/store.js';
import { afterCursor, cursorOf } from '../../kernel/keyset.js';
import { placedWithin } from '../../kernel/scopes.js';
import { orderDetail, orderOutput, orderView } from './order-queries.js';
import type { OrderTables, ProductionTables } from './schema.js';

type Tables = OrderTables & ProductionTables;

/** Orders without a due date sort after every dated one (the largest time a JavaScript Date can hold). */
const NO_DUE = 8.64e15;

export const orderListQuery = Type.Object(
  {
    ...pageQuery,
    state: Type.Optional(
      Type.Union(
        ['created', 'released', 'dispatched', 'running', 'completed', 'closed'].map((s) => Type.Literal(s)),
        { description: 'only orders in this state' },
      ),
    ),
    line: Type.Optional(Type.String({ pattern: '^/[a-z0-9._/-]*$', maxLength: 300, description: 'the line path' })),
    product: Type.Optional(Type.String({ maxLength: 40, description: 'the product (material code) made' })),
    dueFrom: Type.Optional(Type.String({ format: 'date-time', description: 'due at or after this time' })),
    dueBefore: Type.Optional(Type.String({ format: 'date-time', description: 'due before this time' })),
    sort: Type.Optional(
      Type.Union([Type.Literal('number'), Type.Literal('due')], {
        default: 'number',
        description: 'number: ascending; due: soonest first, orders without a due date last',
      }),
    ),
  },
  { additionalProperties: false },
);

export interface OrderListQuery {
  limit?: number;
  cursor?: string;
  state?: string;
  line?: string;
  product?: string;
  dueFrom?: string;
  dueBefore?: string;
  sort?: 'number' | 'due';
}

export const orderListItem = Type.Object(
  { ...orderOutput.properties, product: Type.String() },
  { additionalProperties: false },
);
export const orderPage = pageOf(orderListItem);

/**
 * A page of work orders in a stable order (the sort key, then the id), inside the caller's scopes: an order
 * dispatched to a line is seen by those who may read there; one not yet dispatched belongs to no line and is
 * seen by every holder of the permission (the plan is the plant's, not a line's).
 */
export async function listOrders<DB extends Tables>(handle: ReadDb<DB>, query: OrderListQuery, scopes: ReadScopes) {
  const db = handle as unknown as ReadDb<Tables>;
  const limit = query.limit ?? 50;
  const byDue = query.sort === 'due';
  const key = byDue ? sql<number | string>`coalesce(o.due_at, ${NO_DUE})` : sql<number | string>`o.number`;
  const cursor = cursorOf(query.cursor, [byDue ? 'number' : 'string', 'string']);
  let select = db
    .selectFrom('production_orders as o')
    .innerJoin('production_materials as m', 'm.id', 'o.material_id')
    .selectAll('o')
    .select(['m.code as product', key.as('sort_key')])
    .where((eb) => placedWithin(eb, ['o.line_path'], scopes));
  if (query.state !== undefined) select = select.where('o.state', '=', query.state);
  if (query.line !== undefined) select = select.where('o.line_path', '=', query.line);
  if (query.product !== undefined) select = select.where('m.code', '=', query.product);
  if (query.dueFrom !== undefined) select = select.where('o.due_at', '>=', Date.parse(query.dueFrom));
  if (query.dueBefore !== undefined) select = select.where('o.due_at', '<', Date.parse(query.dueBefore));
  if (cursor !== undefined) select = select.where((eb) => afterCursor(eb, key, 'o.id', cursor));
  const rows = await select
    .orderBy(key)
    .orderBy('o.id')
    .limit(limit + 1)
    .execute();
  return pageFrom(
    rows,
    limit,
    (row) => [byDue ? Number(row.sort_key) : row.number, row.id],
    (row) => ({ ...orderView(row), product: row.product }),
  );
}

/**
 * One order with its operations, if it lies inside the caller's scopes. An order outside them is answered as
 * one that does not exist (404, same text), so a caller cannot learn which order numbers other lines run.
 */
export async function orderDetailWithin<DB extends Tables>(handle: ReadDb<DB>, number: string, scopes: ReadScopes) {
  const detail = await orderDetail(handle, number);
  if (detail.line !== null && !scopeIncludes(scopes, detail.line)) throw new NotFoundError(`No work order ${number}.`);
  return detail;
}
