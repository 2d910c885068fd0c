import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../kernel/store.js';

/** A text field inside a JSON text column, e.g. jsonText(storage, 'body', ['actor', 'id']). */
export function jsonText(storage: Dialect, column: string, path: string[]): RawBuilder<string | null> {
  for (const key of path) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`bad JSON path key ${key}`);
  if (storage.dialect === 'sqlite')
    return sql<string | null>`json_extract(${sql.ref(column)}, ${`$.${path.join('.')}`})`;
  return sql<string | null>`(${sql.ref(column)}::jsonb #>> ${`{${path.join(',')}}`})`;
}
