import type { Kysely } from 'kysely';
import { NotFoundError } from '../../kernel/errors.js';
import type { Database } from './db.js';
import { lotByNumber, lotView } from './commands.js';

/** A lot with its material, supplier, order and the serial numbers of its units. */
export async function lotDetail(db: Kysely<Database>, number: string) {
  const lot = await lotByNumber(db, number);
  const material = await db
    .selectFrom('production_materials')
    .select('code')
    .where('id', '=', lot.material_id)
    .executeTakeFirstOrThrow();
  const order = lot.order_id
    ? await db.selectFrom('production_orders').select('number').where('id', '=', lot.order_id).executeTakeFirst()
    : undefined;
  const serials = await db
    .selectFrom('genealogy_serials')
    .select('serial')
    .where('lot_id', '=', lot.id)
    .orderBy('serial')
    .execute();
  return {
    ...lotView(lot),
    material: material.code,
    supplier: lot.supplier,
    supplierLot: lot.supplier_lot,
    order: order?.number ?? null,
    createdAt: new Date(lot.created_at).toISOString(),
    serials: serials.map((s) => s.serial),
  };
}

/** Which lot a unit belongs to: the way into a trace from a serial number on a returned part. */
export async function lotOfSerial(db: Kysely<Database>, serial: string) {
  const row = await db
    .selectFrom('genealogy_serials as s')
    .innerJoin('genealogy_lots as l', 'l.id', 's.lot_id')
    .select(['s.serial', 'l.number'])
    .where('s.serial', '=', serial)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`No unit with serial number ${serial}.`);
  return { serial: row.serial, lot: row.number };
}
