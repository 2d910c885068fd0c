import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { ReadDb } from '../../kernel/store.js';
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

export async function listOrders(db: ReadDb<Database>, equipment: string, state?: string) {
  let query = db.selectFrom('maintenance_orders').selectAll().where(atOrBelow(equipment));
  if (state !== undefined && state !== '') query = query.where('state', '=', state);
  return (await query.orderBy('number', 'desc').limit(500).execute()).map(orderView);
}
