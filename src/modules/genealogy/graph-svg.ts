import type { ReadDb } from '../../kernel/store.js';
import { ValidationError } from '../../kernel/errors.js';
import { escapeXml, fixed, svgDocument, text } from '../../kernel/svg.js';
import type { Database } from './db.js';
import type { Trace } from './trace.js';

/*
 * Reads take `ReadDb<DB>` for any `DB` holding the tables they read, and look at it with just those tables:
 * TypeScript compares two `ReadDb` instantiations as invariant in their tables, so a module's handle (with more
 * tables) would not be accepted otherwise, though reading a subset of a handle's tables is always safe.
 */

export const MAX_DRAWN_LOTS = 300;
const COLUMN = 190;
const ROW = 46;
const BOX = { width: 150, height: 34 };
const FILL: Record<string, string> = { held: '#ffe0a3', scrapped: '#f7b4b4', consumed: '#e6e6e6' };

/** Lot numbers bound per query: far below SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const NUMBERS_PER_QUERY = 5_000;

/**
 * The edges between the lots of a trace (the start lot included), by lot number. A trace can hold tens of
 * thousands of lots, more than one statement may bind: the parents are looked up in chunks, and an edge is kept
 * when its child is in the trace too.
 */
export async function edgesOf(db: ReadDb<Database>, numbers: string[]) {
  const inTrace = new Set(numbers);
  const edges: { parent: string; child: string; quantity: number }[] = [];
  for (let at = 0; at < numbers.length; at += NUMBERS_PER_QUERY) {
    const rows = await db
      .selectFrom('genealogy_links as k')
      .innerJoin('genealogy_lots as p', 'p.key', 'k.parent')
      .innerJoin('genealogy_lots as c', 'c.key', 'k.child')
      .select(['p.number as parent', 'c.number as child', 'k.quantity'])
      .where('p.number', 'in', numbers.slice(at, at + NUMBERS_PER_QUERY))
      .execute();
    for (const row of rows) if (inTrace.has(row.child)) edges.push(row);
  }
  return edges;
}

/**
 * Draws a trace as a layered graph: one column per depth, the start lot first; held lots amber, scrapped red,
 * used-up lots grey; each arrow carries the quantity that moved.
 */
export async function traceSvg<DB extends Database>(handle: ReadDb<DB>, result: Trace): Promise<string> {
  const db = handle as unknown as ReadDb<Database>;
  if (result.lots.length > MAX_DRAWN_LOTS)
    throw new ValidationError(`${result.lots.length} lots are too many to draw; use format=csv.`, [
      { path: '/format', message: `at most ${MAX_DRAWN_LOTS} lots are drawn` },
    ]);
  const nodes = [{ number: result.lot, material: '', depth: 0, state: 'start' }, ...result.lots];
  const position = new Map<string, { x: number; y: number }>();
  const rows = new Map<number, number>();
  for (const node of nodes) {
    const row = rows.get(node.depth) ?? 0;
    rows.set(node.depth, row + 1);
    position.set(node.number, { x: 20 + node.depth * COLUMN, y: 40 + row * ROW });
  }
  const edges = await edgesOf(
    db,
    nodes.map((n) => n.number),
  );
  const body = [
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#777"/></marker></defs>',
    text(
      20,
      20,
      `${result.direction} trace of ${result.lot}: ${result.lots.length} lots, ${result.orders.length} orders`,
      'font-size="13" font-weight="bold"',
    ),
  ];
  for (const edge of edges) {
    const [from, to] = result.direction === 'forward' ? [edge.parent, edge.child] : [edge.child, edge.parent];
    const a = position.get(from)!;
    const b = position.get(to)!;
    const [x1, y1, x2, y2] = [a.x + BOX.width, a.y + BOX.height / 2, b.x, b.y + BOX.height / 2];
    body.push(
      `<path d="M${fixed(x1)},${fixed(y1)} C${fixed(x1 + 30)},${fixed(y1)} ${fixed(x2 - 30)},${fixed(y2)} ${fixed(x2)},${fixed(y2)}" fill="none" stroke="#777" marker-end="url(#arrow)"><title>${escapeXml(`${edge.parent} → ${edge.child}: ${edge.quantity}`)}</title></path>`,
    );
  }
  for (const node of nodes) {
    const { x, y } = position.get(node.number)!;
    const fill = node.state === 'start' ? '#cfe3ff' : (FILL[node.state] ?? '#f4f8ff');
    body.push(
      `<rect x="${x}" y="${y}" width="${BOX.width}" height="${BOX.height}" rx="4" fill="${fill}" stroke="#1f5fa8"/>`,
    );
    body.push(text(x + 6, y + 14, node.number, 'font-weight="bold"'));
    if (node.material) body.push(text(x + 6, y + 27, `${node.material} · ${node.state}`, 'fill="#444"'));
  }
  const depth = Math.max(...nodes.map((n) => n.depth));
  const tallest = Math.max(...rows.values());
  return svgDocument(40 + (depth + 1) * COLUMN, 60 + tallest * ROW, `Trace of ${result.lot}`, body);
}
