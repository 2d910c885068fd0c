import { sql, type SqlBool } from 'kysely';
import { decodeCursor, type CursorValue } from './pagination.js';
import { ValidationError } from './errors.js';

/** How a list is ordered: its sort column, its id column (the tiebreak that makes the order total), direction. */
export interface KeysetOrder {
  sort: string;
  id: string;
  direction: 'asc' | 'desc';
  /** The type of the sort key as the cursor carries it (the id is always a string). */
  sortType: 'string' | 'number';
}

/**
 * The key of a cursor for this order, its types checked too: a cursor whose shape fits but whose values do not
 * (a string where a timestamp goes) would otherwise reach PostgreSQL as a bad parameter, a 500 instead of a 400.
 */
export function keyOfCursor(cursor: string, order: KeysetOrder): [string | number, string] {
  const [sort, id] = decodeCursor(cursor, 2);
  if (
    typeof sort !== order.sortType ||
    typeof id !== 'string' ||
    (typeof sort === 'number' && !Number.isSafeInteger(sort))
  )
    throw new ValidationError('The cursor is not one this list gave out.', [
      { path: '/cursor', message: 'unknown cursor' },
    ]);
  return [sort as string | number, id];
}

/** Rows strictly after the cursor's key in the list's order: the keyset condition `(sort, id) > (a, b)`. */
export function afterKey(order: KeysetOrder, [sort, id]: [string | number, string]) {
  const op = sql.raw(order.direction === 'asc' ? '>' : '<');
  const s = sql.ref(order.sort);
  return sql<SqlBool>`(${s} ${op} ${sort} or (${s} = ${sort} and ${sql.ref(order.id)} ${op} ${id}))`;
}

/** The key a cursor stores for a row (bigints arrive as strings from PostgreSQL: numbers are normalised). */
export function keyOfRow(order: KeysetOrder, sort: unknown, id: string): CursorValue[] {
  return [order.sortType === 'number' ? Number(sort) : String(sort), id];
}
