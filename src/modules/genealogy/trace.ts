import { CompiledQuery, sql } from 'kysely';
import type { ReadDb } from '../../kernel/store.js';
import { NotFoundError } from '../../kernel/errors.js';
import { EVERYWHERE, scopeIncludes, type ReadScopes } from '../../kernel/scopes.js';
import type { Database } from './db.js';

/*
 * Reads take `ReadDb<DB>` for any `DB` holding the tables they read, and look at it with just those tables:
 * TypeScript compares two `ReadDb` instantiations as invariant in their tables, so a module's handle (with more
 * tables) would not be accepted otherwise, though reading a subset of a handle's tables is always safe.
 */

export interface TracedLot {
  number: string;
  material: string;
  depth: number;
  quantity: number;
  unit: string;
  state: string;
  order: string | null;
}

export interface Trace {
  lot: string;
  direction: 'backward' | 'forward';
  lots: TracedLot[];
  orders: string[];
}

interface TraceRow {
  number: string;
  material: string;
  depth: number;
  quantity: number;
  unit: string;
  state: string;
  order_number: string | null;
  line_path: string | null;
}

/**
 * The trace statement for one direction. It starts from the lot number, so a trace is a single round trip;
 * its first row is the start lot itself at depth 0 (none when there is no such lot). The walk runs over integer
 * lot keys (schema-keys.ts) and carries the depth, so a lot reached along paths of different lengths appears
 * once per length: `best` keeps its smallest depth, grouping by key alone, and hands the keys on in key order so
 * that the lot lookups read neighbouring B-tree and heap pages one after the other. SQLite's grouping yields
 * that order anyway (the `order by` costs it nothing); PostgreSQL groups by hashing and would look the lots up
 * in hash order, scattered over the index and the heap.
 */
function traceQuery(direction: 'backward' | 'forward', number: string, maxDepth: number) {
  const [from, to] =
    direction === 'forward' ? [sql.ref('l.parent'), sql.ref('l.child')] : [sql.ref('l.child'), sql.ref('l.parent')];
  return sql<TraceRow>`
    with recursive reached(k, depth) as (
      select key, 0 from genealogy_lots where number = ${number}
      union
      select ${to}, r.depth + 1 from reached r join genealogy_links l on ${from} = r.k where r.depth < ${maxDepth}
    ),
    best(k, depth) as (select k, min(depth) from reached group by k order by k)
    select g.number, m.code as material, b.depth, g.quantity, g.unit, g.state, o.number as order_number, o.line_path
    from best b
    join genealogy_lots g on g.key = b.k
    join production_materials m on m.id = g.material_id
    left join production_orders o on o.id = g.order_id
    order by b.depth, g.number`;
}

/**
 * Compiling the statement through Kysely costs more than running it for a typical trace, so each database
 * (each dialect: placeholders differ) compiles it once per direction; later calls only bind new values.
 */
const compiled = new WeakMap<ReadDb<Database>, Map<string, string>>();

function traceSql(db: ReadDb<Database>, direction: 'backward' | 'forward'): string {
  let texts = compiled.get(db);
  if (!texts) compiled.set(db, (texts = new Map<string, string>()));
  let text = texts.get(direction);
  if (text === undefined) {
    text = traceQuery(direction, '', 0).compile(db).sql;
    texts.set(direction, text);
  }
  return text;
}

/**
 * Every lot reachable from `number` (what went into it, backward; where it went, forward) with its smallest
 * depth, by one recursive query whose cost grows with the size of the trace, not of the database.
 */
export async function trace<DB extends Database>(
  handle: ReadDb<DB>,
  number: string,
  direction: 'backward' | 'forward',
  maxDepth = 50,
): Promise<Trace> {
  const { lot, lots, orders } = await traceWithin(handle, number, direction, EVERYWHERE, maxDepth);
  return { lot, direction, lots, orders };
}

/**
 * The trace as a caller with these read scopes may see it. The start lot outside them is answered as one that
 * does not exist; a reached lot made on a line outside them is left out (with its order), and `withheld` says
 * how many were, so a recall list cut short by the caller's grants never looks complete.
 */
export async function traceWithin<DB extends Database>(
  handle: ReadDb<DB>,
  number: string,
  direction: 'backward' | 'forward',
  scopes: ReadScopes,
  maxDepth = 50,
): Promise<Trace & { withheld: number }> {
  const db = handle as unknown as ReadDb<Database>;
  // Parameters in the order they appear in traceQuery.
  const { rows } = await db.executeQuery<TraceRow>(CompiledQuery.raw(traceSql(db, direction), [number, maxDepth]));
  const visible = (row: TraceRow) => row.line_path === null || scopeIncludes(scopes, row.line_path);
  // Depth 0 is the start lot alone (IDs are unique), so it sorts first; without it the lot does not exist.
  if (rows.length === 0 || Number(rows[0]!.depth) !== 0 || !visible(rows[0]!))
    throw new NotFoundError(`No lot ${number}.`);
  const lots: TracedLot[] = [];
  const orders: string[] = [];
  let withheld = 0;
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!;
    if (!visible(row)) {
      withheld++;
      continue;
    }
    lots.push({
      number: row.number,
      material: row.material,
      depth: Number(row.depth),
      quantity: Number(row.quantity),
      unit: row.unit,
      state: row.state,
      order: row.order_number,
    });
    if (row.order_number !== null) orders.push(row.order_number);
  }
  return { lot: number, direction, lots, orders: distinctSorted(orders), withheld };
}

/**
 * The distinct values in `sort()` order. Sorting them all and dropping neighbours that repeat beat collecting
 * them in a Set first by 2-3 ms on the bench's widest trace (10,889 lots in 9,631 orders): a Set hashes each
 * string the database handed over, the sort only compares them.
 */
function distinctSorted(values: string[]): string[] {
  values.sort();
  const distinct: string[] = [];
  for (const value of values) if (value !== distinct[distinct.length - 1]) distinct.push(value);
  return distinct;
}

export function traceCsv(result: Trace): string {
  const quote = (value: string | number | null) =>
    value === null ? '' : /[",\n]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value);
  const lines = result.lots.map((l) =>
    [l.number, l.material, l.depth, l.quantity, l.unit, l.state, l.order].map(quote).join(','),
  );
  return ['lot,material,depth,quantity,unit,state,order', ...lines].join('\n') + '\n';
}
