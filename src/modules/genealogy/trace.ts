import { sql, type Kysely } from 'kysely';
import type { Database } from '../../storage/tables.js';
import { lotByNumber } from './commands.js';

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

/**
 * Every lot reachable from `number` (what went into it, backward; where it went, forward) with its smallest
 * depth, by one recursive query whose cost grows with the size of the trace, not of the database.
 */
export async function trace(
  db: Kysely<Database>,
  number: string,
  direction: 'backward' | 'forward',
  maxDepth = 50,
): Promise<Trace> {
  const start = await lotByNumber(db, number);
  const [from, to] =
    direction === 'forward'
      ? [sql.ref('l.parent_id'), sql.ref('l.child_id')]
      : [sql.ref('l.child_id'), sql.ref('l.parent_id')];
  const rows = await sql<{
    number: string;
    material: string;
    depth: number;
    quantity: number;
    unit: string;
    state: string;
    order_number: string | null;
  }>`
    with recursive reached(id, depth) as (
      select ${start.id}, 0
      union
      select ${to}, r.depth + 1 from reached r join genealogy_links l on ${from} = r.id where r.depth < ${maxDepth}
    )
    select g.number, m.code as material, min(r.depth) as depth, g.quantity, g.unit, g.state, o.number as order_number
    from reached r
    join genealogy_lots g on g.id = r.id
    join production_materials m on m.id = g.material_id
    left join production_orders o on o.id = g.order_id
    where r.depth > 0
    group by g.id, g.number, m.code, g.quantity, g.unit, g.state, o.number
    order by min(r.depth), g.number`.execute(db);
  const lots = rows.rows.map((row) => ({
    number: row.number,
    material: row.material,
    depth: Number(row.depth),
    quantity: Number(row.quantity),
    unit: row.unit,
    state: row.state,
    order: row.order_number,
  }));
  const orders = [...new Set(lots.map((l) => l.order).filter((o): o is string => o !== null))].sort();
  return { lot: number, direction, lots, orders };
}

export function traceCsv(result: Trace): string {
  const quote = (value: string | number | null) =>
    value === null ? '' : /[",\n]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value);
  const lines = result.lots.map((l) =>
    [l.number, l.material, l.depth, l.quantity, l.unit, l.state, l.order].map(quote).join(','),
  );
  return ['lot,material,depth,quantity,unit,state,order', ...lines].join('\n') + '\n';
}
