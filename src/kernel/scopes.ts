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
