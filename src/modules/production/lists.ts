import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { withinScopes, type ReadScopes } from '../../kernel/scopes.js';
import { decodeCursor, type CursorValue } from '../../kernel/pagination.js';
import { ValidationError } from '../../kernel/errors.js';

/*
 * Helpers the paged lists of production, genealogy and quality share: where a record lies (its plant path)
 * and how a keyset page continues after the cursor's row.
 */

/**
 * Keeps rows that lie inside the scopes, or that are bound to no place. A record's place is the first
 * non-null of `paths` (e.g. an NCR's lot's line, else its inspection's order's line); when all are null the
 * record belongs to no line (a received lot, an order not yet dispatched) and any holder of the permission
 * may read it.
 */
export function placedWithin<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  paths: string[],
  scopes: ReadScopes,
): Expression<SqlBool> {
  if (scopes.everywhere || scopes.paths.includes('/')) return sql<SqlBool>`1 = 1`;
  const isNull = (column: string) => sql<SqlBool>`${sql.ref(column)} is null`;
  const alternatives: Expression<SqlBool>[] = [eb.and(paths.map(isNull))];
  paths.forEach((column, i) => {
    alternatives.push(eb.and([...paths.slice(0, i).map(isNull), withinScopes(eb, column, scopes)]));
  });
  return eb.or(alternatives);
}

/**
 * The rows after the cursor's row in the order `(key, id)`, ascending or descending: `key` is the sort
 * expression (unique or not), `id` the tiebreak that makes the order total.
 */
export function afterCursor<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  key: Expression<unknown>,
  id: string,
  cursor: CursorValue[],
  direction: 'asc' | 'desc' = 'asc',
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
