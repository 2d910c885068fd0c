import type { ReadDb } from '../../kernel/store.js';
import { NotFoundError } from '../../kernel/errors.js';
import type { Database } from './db.js';
import { lotByNumber, lotView } from './commands.js';

/*
 * Reads take `ReadDb<DB>` for any `DB` holding the tables they read, and look at it with just those tables:
 * TypeScript compares two `ReadDb` instantiations as invariant in their tables, so a module's handle (with more
 * tables) would not be accepted otherwise, though reading a subset of a handle's tables is always safe.
 */

/** A lot with its material, supplier, order and the serial numbers of its units. */
export async function lotDetail<DB extends Database>(handle: ReadDb<DB>, number: string) {
  const db = handle as unknown as ReadDb<Database>;
  const lot = await lotByNumber(db, number);
  const material = await db
    .selectFrom('production_materials')
    .select('code')
    .where('id', '=', lot.material_id)
    .executeTakeFirstOrThrow();
  const order =
    lot.order_id !== null
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
export async function lotOfSerial<DB extends Database>(handle: ReadDb<DB>, serial: string) {
  const db = handle as unknown as ReadDb<Database>;
  const row = await db
    .selectFrom('genealogy_serials as s')
    .innerJoin('genealogy_lots as l', 'l.id', 's.lot_id')
    .select(['s.serial', 'l.number'])
    .where('s.serial', '=', serial)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`No unit with serial number ${serial}.`);
  return { serial: row.serial, lot: row.number };
}
