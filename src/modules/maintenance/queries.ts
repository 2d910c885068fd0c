import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { ReadDb } from '../../kernel/store.js';
import { afterKey, keyOfCursor, keyOfRow, type KeysetOrder } from '../../kernel/keyset.js';
import { pageFrom } from '../../kernel/pagination.js';
import { withinScopes, type ReadScopes } from '../../kernel/scopes.js';
import type { Database } from './db.js';
import { orderSchema, orderView } from './orders.js';

/** Equipment `path` itself or anything below it ('/' is everything). */
export function atOrBelow(path: string) {
  if (path === '/') return sql<boolean>`1 = 1`;
  const pattern = `${path.replace(/[\\%_]/g, '\\$&')}/%`;
  return sql<boolean>`(equipment_path = ${path} or equipment_path like ${pattern} escape '\\')`;
}

export const historySchema = Type.Object(
  {
    equipment: Type.String(),
    orders: Type.Array(
      Type.Object(
        {
          ...orderSchema.properties,
          parts: Type.Array(
            Type.Object(
              { part: Type.String(), quantity: Type.Number(), unit: Type.String() },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    downtimeMinutes: Type.Number(),
  },
  { additionalProperties: false },
);

/** Equipment history: its maintenance orders (and those of everything below it), newest first, with parts. */
export async function equipmentHistory(db: ReadDb<Database>, equipment: string) {
  const orders = await db
    .selectFrom('maintenance_orders')
    .selectAll()
    .where(atOrBelow(equipment))
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
  const parts =
    orders.length > 0
      ? await db
          .selectFrom('maintenance_parts')
          .selectAll()
          .where(
            'order_id',
            'in',
            orders.map((o) => o.id),
          )
          .execute()
      : [];
  const history = orders.map((o) => ({
    ...orderView(o),
    parts: parts.filter((p) => p.order_id === o.id).map(({ part, quantity, unit }) => ({ part, quantity, unit })),
  }));
  return {
    equipment,
    orders: history,
    downtimeMinutes: history.reduce((sum, o) => sum + o.downtimeMinutes, 0),
  };
}

const ORDER_ORDER: KeysetOrder = { sort: 'created_at', id: 'id', direction: 'desc', sortType: 'number' };

export interface OrderFilter {
  equipment?: string;
  state?: string;
  kind?: string;
  createdFrom?: number;
  createdTo?: number;
}

/**
 * A page of maintenance orders, newest first (id breaks ties), inside the reader's scopes and the filter.
 * `equipment` narrows to that place and below; a place outside the scopes lists nothing.
 */
export async function pageOrders(
  db: ReadDb<Database>,
  filter: OrderFilter,
  scopes: ReadScopes,
  page: { limit: number; cursor?: string },
) {
  let query = db
    .selectFrom('maintenance_orders')
    .selectAll()
    .where((eb) => withinScopes(eb, 'equipment_path', scopes));
  const at = filter.equipment;
  if (at !== undefined)
    query = query.where((eb) => withinScopes(eb, 'equipment_path', { everywhere: false, paths: [at] }));
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.createdFrom !== undefined) query = query.where('created_at', '>=', filter.createdFrom);
  if (filter.createdTo !== undefined) query = query.where('created_at', '<', filter.createdTo);
  if (page.cursor !== undefined) query = query.where(afterKey(ORDER_ORDER, keyOfCursor(page.cursor, ORDER_ORDER)));
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return pageFrom(rows, page.limit, (r) => keyOfRow(ORDER_ORDER, r.created_at, r.id), orderView);
}
