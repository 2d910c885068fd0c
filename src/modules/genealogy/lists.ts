import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { NotFoundError } from '../../kernel/errors.js';
import { pageFrom, pageOf, pageQuery } from '../../kernel/pagination.js';
import { scopeIncludes, type ReadScopes } from '../../kernel/scopes.js';
import type { ReadDb } from '../../kernel/store.js';
import { afterCursor, cursorOf } from '../../kernel/keyset.js';
import { placedWithin } from '../../kernel/scopes.js';
import type { Database } from './db.js';

/*
 * A lot lies where it was made: on the line of the work order that produced it. A lot received from a
 * supplier, or split or merged outside an order, is bound to no line and every holder of genealogy.read sees
 * it (the stores are the plant's). Serials lie where their lot does.
 */

const nullableString = Type.Union([Type.String(), Type.Null()]);

export const lotListQuery = Type.Object(
  {
    ...pageQuery,
    material: Type.Optional(Type.String({ maxLength: 40, description: 'only lots of this material (code)' })),
    state: Type.Optional(
      Type.Union(
        ['available', 'held', 'consumed', 'scrapped'].map((s) => Type.Literal(s)),
        {
          description: 'only lots in this state',
        },
      ),
    ),
    supplier: Type.Optional(Type.String({ maxLength: 200, description: 'only lots received from this supplier' })),
    prefix: Type.Optional(
      Type.String({ minLength: 1, maxLength: 60, description: 'only lots whose number starts with this text' }),
    ),
  },
  { additionalProperties: false },
);

export const lotListItem = Type.Object(
  {
    number: Type.String(),
    material: Type.String(),
    quantity: Type.Number(),
    available: Type.Number(),
    unit: Type.String(),
    state: Type.String(),
    supplier: nullableString,
    supplierLot: nullableString,
    order: nullableString,
    line: Type.Union([Type.String(), Type.Null()], { description: 'where it was made; null: bound to no line' }),
    createdAt: Type.String(),
  },
  { additionalProperties: false },
);
export const lotPage = pageOf(lotListItem);

export const serialListQuery = Type.Object(
  { ...pageQuery, lot: Type.Optional(Type.String({ maxLength: 60, description: 'only the units of this lot' })) },
  { additionalProperties: false },
);
export const serialPage = pageOf(
  Type.Object({ serial: Type.String(), lot: Type.String(), createdAt: Type.String() }, { additionalProperties: false }),
);

function lotsWithPlace(db: ReadDb<Database>) {
  return db
    .selectFrom('genealogy_lots as g')
    .innerJoin('production_materials as m', 'm.id', 'g.material_id')
    .leftJoin('production_orders as o', 'o.id', 'g.order_id');
}

/** A page of lots by number, inside the caller's scopes. */
export async function listLots(
  db: ReadDb<Database>,
  query: { limit?: number; cursor?: string; material?: string; state?: string; supplier?: string; prefix?: string },
  scopes: ReadScopes,
) {
  const limit = query.limit ?? 50;
  const cursor = cursorOf(query.cursor, ['string', 'string']);
  let select = lotsWithPlace(db)
    .selectAll('g')
    .select(['m.code as material', 'o.number as order_number', 'o.line_path'])
    .where((eb) => placedWithin(eb, ['o.line_path'], scopes));
  if (query.material !== undefined) select = select.where('m.code', '=', query.material);
  if (query.state !== undefined) select = select.where('g.state', '=', query.state);
  if (query.supplier !== undefined) select = select.where('g.supplier', '=', query.supplier);
  // A comparison of the leading characters, not LIKE: the typed text holds no wildcards to escape.
  if (query.prefix !== undefined)
    select = select.where(sql<string>`substr(g.number, 1, ${query.prefix.length})`, '=', query.prefix);
  if (cursor !== undefined) select = select.where((eb) => afterCursor(eb, sql`g.number`, 'g.id', cursor));
  const rows = await select
    .orderBy('g.number')
    .orderBy('g.id')
    .limit(limit + 1)
    .execute();
  return pageFrom(
    rows,
    limit,
    (row) => [row.number, row.id],
    (row) => ({
      number: row.number,
      material: row.material,
      quantity: row.quantity,
      available: row.available,
      unit: row.unit,
      state: row.state,
      supplier: row.supplier,
      supplierLot: row.supplier_lot,
      order: row.order_number,
      line: row.line_path,
      createdAt: new Date(row.created_at).toISOString(),
    }),
  );
}

/** A page of serial numbers in order, inside the caller's scopes (a unit lies where its lot was made). */
export async function listSerials(
  db: ReadDb<Database>,
  query: { limit?: number; cursor?: string; lot?: string },
  scopes: ReadScopes,
) {
  const limit = query.limit ?? 50;
  // The serial is the key (unique), so the cursor is the serial and, as in every list, the row's id (the same).
  const cursor = cursorOf(query.cursor, ['string', 'string']);
  let select = db
    .selectFrom('genealogy_serials as s')
    .innerJoin('genealogy_lots as g', 'g.id', 's.lot_id')
    .leftJoin('production_orders as o', 'o.id', 'g.order_id')
    .select(['s.serial', 's.created_at', 'g.number as lot'])
    .where((eb) => placedWithin(eb, ['o.line_path'], scopes));
  if (query.lot !== undefined) select = select.where('g.number', '=', query.lot);
  if (cursor !== undefined) select = select.where((eb) => afterCursor(eb, sql`s.serial`, 's.serial', cursor));
  const rows = await select
    .orderBy('s.serial')
    .limit(limit + 1)
    .execute();
  return pageFrom(
    rows,
    limit,
    (row) => [row.serial, row.serial],
    (row) => ({ serial: row.serial, lot: row.lot, createdAt: new Date(row.created_at).toISOString() }),
  );
}

/**
 * Refuses a lot outside the caller's scopes as one that does not exist (404, the same text), so a caller
 * cannot learn which lots other lines made.
 */
export async function assertLotWithin(db: ReadDb<Database>, number: string, scopes: ReadScopes): Promise<void> {
  if (scopes.everywhere) return;
  const row = await lotsWithPlace(db).select('o.line_path').where('g.number', '=', number).executeTakeFirst();
  if (!row || (row.line_path !== null && !scopeIncludes(scopes, row.line_path)))
    throw new NotFoundError(`No lot ${number}.`);
}

/** The serial's lot, refused like its lot when that lies outside the caller's scopes. */
export async function assertSerialWithin(db: ReadDb<Database>, serial: string, scopes: ReadScopes): Promise<void> {
  if (scopes.everywhere) return;
  const row = await db
    .selectFrom('genealogy_serials as s')
    .innerJoin('genealogy_lots as g', 'g.id', 's.lot_id')
    .leftJoin('production_orders as o', 'o.id', 'g.order_id')
    .select('o.line_path')
    .where('s.serial', '=', serial)
    .executeTakeFirst();
  if (!row || (row.line_path !== null && !scopeIncludes(scopes, row.line_path)))
    throw new NotFoundError(`No unit with serial number ${serial}.`);
}
