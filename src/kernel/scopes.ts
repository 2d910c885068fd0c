import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';

/**
 * Where an actor may read with a permission: everywhere (a grant at the enterprise, the console, a public
 * or self-service permission), or at and below these plant paths (the scopes of its grants and overrides).
 * Reads are scoped like writes: a line operator lists the orders of the line, not the plant's.
 */
export type ReadScopes = { everywhere: true } | { everywhere: false; paths: string[] };

export const EVERYWHERE: ReadScopes = { everywhere: true };

/** True when `path` lies inside the scopes. */
export function scopeIncludes(scopes: ReadScopes, path: string): boolean {
  return scopes.everywhere || scopes.paths.some((p) => p === '/' || path === p || path.startsWith(`${p}/`));
}

/**
 * A WHERE condition keeping rows whose plant path (`column`) lies inside the scopes. Exact prefix comparison
 * with substr, not LIKE: SQLite's LIKE ignores case and `_` is a wildcard, and a path may hold `_`.
 */
export function withinScopes<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  column: string,
  scopes: ReadScopes,
): Expression<SqlBool> {
  if (scopes.everywhere || scopes.paths.includes('/')) return sql<SqlBool>`1 = 1`;
  if (scopes.paths.length === 0) return sql<SqlBool>`1 = 0`;
  const ref = sql.ref(column);
  return eb.or(
    scopes.paths.map((p) => sql<SqlBool>`(${ref} = ${p} or substr(${ref}, 1, ${p.length + 1}) = ${`${p}/`})`),
  );
}

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
