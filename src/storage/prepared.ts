import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { AnyTables, ReadDb } from '../kernel/store.js';

/**
 * A query built once with Kysely and then run with fresh parameters, for the few hot paths (authentication,
 * audit append) where building the query tree costs more than running it. Still parameterised SQL: the
 * builder is called with marker strings, and each marker in the compiled parameters is replaced at run time.
 */
export function preparedQuery<Row>(
  build: (db: Kysely<AnyTables>, ...args: string[]) => Compilable<Row>,
  arity: number,
) {
  const markers = Array.from({ length: arity }, (_, i) => `\u0000bastion-parameter-${i}\u0000`);
  // Keyed by the dialect adapter: transaction and connection handles are new objects, the adapter is shared.
  const compiled = new WeakMap<object, CompiledQuery<Row>>();
  return async (db: ReadDb, ...args: unknown[]): Promise<Row[]> => {
    const adapter = db.getExecutor().adapter;
    let query = compiled.get(adapter);
    if (!query) {
      query = build(db as Kysely<AnyTables>, ...markers).compile();
      compiled.set(adapter, query);
    }
    const parameters = query.parameters.map((p) => {
      const at = markers.indexOf(p as string);
      return at === -1 ? p : args[at];
    });
    return (await db.executeQuery(CompiledQuery.raw(query.sql, parameters))).rows as Row[];
  };
}
