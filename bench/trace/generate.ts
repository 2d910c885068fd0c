import { sql, type Insertable, type Kysely } from 'kysely';
import { newId } from '../../src/kernel/ids.js';
import type { Database } from '../../src/app/database.js';
import { fmt } from '../audit/stats.js';

/** Share of the lots in each of the five stages: raw, three intermediates, finished. */
const STAGE_SHARES = [0.4, 0.2, 0.15, 0.15, 0.1];
const WIDE_LOTS = 3;
const WIDE_USES = 1200;
const ROWS_PER_INSERT = 500;

export interface Genealogy {
  stages: string[][];
  wide: string[];
}

/**
 * PostgreSQL plans from table statistics, which autovacuum gathers a minute or so after a bulk load like this
 * one; a plant's genealogy grows slowly and always has them. Without them the planner guesses hundreds of
 * links per lot and walks by hash joins over the whole links table, so the bench gathers them as autovacuum
 * would. SQLite plans without statistics (none are kept unless ANALYZE is run), so nothing changes there.
 */
async function withStatistics(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres')
    for (const table of ['genealogy_lots', 'genealogy_links', 'production_orders', 'production_materials'])
      await sql`analyze ${sql.table(table)}`.execute(db);
}

async function chunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await insert(rows.slice(i, i + ROWS_PER_INSERT));
}

/**
 * Writes a genealogy of `total` lots straight into the tables, as the genealogy commands would lay them out
 * (bulk, for speed): each lot after the raw stage consumes 1-3 lots of the stage before; every ten produced lots
 * share a work order; a few wide raw lots each go into over a thousand lots of different work orders.
 */
export async function generateGenealogy(
  db: Kysely<Database>,
  total: number,
  random: (max: number) => number,
  tag: string,
  dialect: 'sqlite' | 'postgres',
): Promise<Genealogy> {
  const material = newId();
  await db
    .insertInto('production_materials')
    .values({
      id: material,
      code: `BENCH-${tag}`,
      name: 'bench material',
      kind: 'intermediate',
      unit: 'kg',
      created_at: 0,
      retired_at: null,
    })
    .execute();
  const stages: string[][] = [];
  // Lot number -> the integer key the database gave the lot, which the links are made with.
  const keys = new Map<string, number>();
  let orders = 0;
  const newOrder = async () => {
    const id = newId();
    await db
      .insertInto('production_orders')
      .values({
        id,
        number: `WO-${tag}-${++orders}`,
        material_id: material,
        definition_id: null,
        quantity: 1,
        line_path: null,
        state: 'closed',
        good_quantity: 1,
        scrap_quantity: 0,
        erp_reference: null,
        created_at: 0,
        closed_at: 0,
      })
      .execute();
    return id;
  };
  for (const [stage, share] of STAGE_SHARES.entries()) {
    const count = Math.max(1, Math.round(total * share));
    const numbers = Array.from({ length: count }, (_, i) => `L${tag}-${stage}-${i}`);
    const lots: Insertable<Database['genealogy_lots']>[] = [];
    const links: { parent: string; child: string; order: string }[] = [];
    let order = '';
    for (const [i, number] of numbers.entries()) {
      if (stage > 0 && i % 10 === 0) order = await newOrder();
      lots.push({
        id: newId(),
        number,
        material_id: material,
        quantity: 10,
        available: 5,
        unit: 'kg',
        state: 'available',
        hold_reason: null,
        supplier: null,
        supplier_lot: null,
        order_id: stage > 0 ? order : null,
        created_at: 0,
      });
      if (stage === 0) continue;
      const previous = stages[stage - 1]!;
      const parents = new Set(Array.from({ length: random(3) }, () => previous[random(previous.length) - 1]!));
      for (const parent of parents) links.push({ parent, child: number, order });
    }
    await db.transaction().execute(async (tx) => {
      await chunked(lots, async (chunk) => {
        const made = await tx.insertInto('genealogy_lots').values(chunk).returning(['key', 'number']).execute();
        for (const lot of made) keys.set(lot.number, lot.key);
      });
      const rows = links.map((l) => ({
        parent: keys.get(l.parent)!,
        child: keys.get(l.child)!,
        quantity: 1,
        order_id: l.order,
        operation: 10,
        created_at: 0,
      }));
      await chunked(rows, (chunk) => tx.insertInto('genealogy_links').values(chunk).execute());
    });
    stages.push(numbers);
    console.log(`   stage ${stage}: ${fmt(count)} lots, ${fmt(links.length)} links`);
  }
  const wide = stages[0]!.slice(0, WIDE_LOTS);
  const wideLinks: Database['genealogy_links'][] = [];
  for (const raw of wide) {
    const consumers = new Set<string>();
    while (consumers.size < Math.min(WIDE_USES, stages[1]!.length))
      consumers.add(stages[1]![random(stages[1]!.length) - 1]!);
    for (const consumer of consumers)
      wideLinks.push({
        parent: keys.get(raw)!,
        child: keys.get(consumer)!,
        quantity: 1,
        order_id: null,
        operation: null,
        created_at: 0,
      });
  }
  // Wide lots feed many lots of many orders; a link that already exists (random parent) is skipped.
  const existing = new Set(
    (
      await db
        .selectFrom('genealogy_links')
        .select(['parent', 'child'])
        .where(
          'parent',
          'in',
          wide.map((n) => keys.get(n)!),
        )
        .execute()
    ).map((l) => `${l.parent}:${l.child}`),
  );
  await db.transaction().execute((tx) =>
    chunked(
      wideLinks.filter((l) => !existing.has(`${l.parent}:${l.child}`)),
      (chunk) => tx.insertInto('genealogy_links').values(chunk).execute(),
    ),
  );
  await withStatistics(db, dialect);
  return { stages, wide };
}
