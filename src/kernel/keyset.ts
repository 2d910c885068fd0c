import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
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
  const [sort, id] = cursorOf(cursor, [order.sortType, 'string'])!;
  if (typeof sort === 'number' && !Number.isSafeInteger(sort))
    throw new ValidationError('The cursor is not one this list gave out.', [
      { path: '/cursor', message: 'unknown cursor' },
    ]);
  return [sort as string | number, id as string];
}

/** Rows strictly after the cursor's key in the list's order: the keyset condition `(sort, id) > (a, b)`. */
export function afterKey(order: KeysetOrder, key: [string | number, string]) {
  return afterCursorOf(sql.ref(order.sort), order.id, key, order.direction);
}

/** The key a cursor stores for a row (bigints arrive as strings from PostgreSQL: numbers are normalised). */
export function keyOfRow(order: KeysetOrder, sort: unknown, id: string): CursorValue[] {
  return [order.sortType === 'number' ? Number(sort) : String(sort), id];
}

/**
 * The rows after the cursor's row in the order `(key, id)`, ascending or descending: `key` is the sort
 * expression (unique or not), `id` the tiebreak that makes the order total.
 */
export function afterCursor<DB, TB extends keyof DB>(
  _eb: ExpressionBuilder<DB, TB>,
  key: Expression<unknown>,
  id: string,
  cursor: CursorValue[],
  direction: 'asc' | 'desc' = 'asc',
): Expression<SqlBool> {
  return afterCursorOf(key, id, cursor, direction);
}

function afterCursorOf(
  key: Expression<unknown>,
  id: string,
  cursor: CursorValue[],
  direction: 'asc' | 'desc',
): Expression<SqlBool> {
  const [value, lastId] = cursor;
  const beyond = direction === 'asc' ? sql.raw('>') : sql.raw('<');
  return sql<SqlBool>`(${key} ${beyond} ${value} or (${key} = ${value} and ${sql.ref(id)} ${beyond} ${lastId}))`;
}

/**
 * A cursor's key values, checked against the types the list's sort has: a cursor edited into another shape is
 * refused as the 400 a forged one is, never handed to the database (where a text compared with a number fails).
 */
export function cursorOf(cursor: string | undefined, types: ('string' | 'number')[]): CursorValue[] | undefined {
  if (cursor === undefined) return undefined;
  const values = decodeCursor(cursor, types.length);
  if (values.some((v, i) => typeof v !== types[i]))
    throw new ValidationError('The cursor is not one this list gave out.', [
      { path: '/cursor', message: 'unknown cursor' },
    ]);
  return values;
}
