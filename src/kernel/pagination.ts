import { Type, type TSchema } from '@sinclair/typebox';
import { ValidationError } from './errors.js';

/**
 * Lists are paged by keyset (a cursor holding the sort key and id of the last row seen), not by offset: a page
 * stays right while rows are added, and reading page 500 costs what page 1 does. The cursor is opaque to
 * clients (base64url JSON) and checked on the way back in: a forged or stale one is a 400, not a 500.
 */
export const pageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'rows per page' })),
  cursor: Type.Optional(
    Type.String({ maxLength: 400, pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the previous page' }),
  ),
};

export type CursorValue = string | number | null;

/** A page of `item`: the rows, and the cursor of the next page (null on the last). */
export function pageOf<T extends TSchema>(item: T) {
  return Type.Object(
    { items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) },
    { additionalProperties: false },
  );
}

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** The key values of a cursor; `arity` is how many the list's sort uses (sort column(s) plus the id). */
export function decodeCursor(cursor: string, arity: number): CursorValue[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  const valid =
    Array.isArray(values) &&
    values.length === arity &&
    values.every((v) => v === null || typeof v === 'string' || typeof v === 'number');
  if (!valid)
    throw new ValidationError('The cursor is not one this list gave out.', [
      { path: '/cursor', message: 'unknown cursor' },
    ]);
  return values as CursorValue[];
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only says that there is a next page, whose cursor
 * is the key of the last row returned.
 */
export function pageFrom<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => CursorValue[],
  toItem: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
