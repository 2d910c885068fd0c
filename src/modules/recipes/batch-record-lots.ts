import type { Dialect, ReadDb } from '../../kernel/store.js';
import { jsonText } from '../../storage/json.js';
import type { Database } from './db.js';
import {
  iso,
  type CommandPart,
  type ConsumedLot,
  type InspectionPart,
  type ProducedLot,
} from './batch-record-model.js';

/** Lots the order produced (genealogy_lots.order_id), by number. */
export async function producedLots(
  db: ReadDb<Database>,
  orderId: string,
): Promise<{ ids: string[]; lots: ProducedLot[] }> {
  const rows = await db
    .selectFrom('genealogy_lots as l')
    .innerJoin('production_materials as m', 'm.id', 'l.material_id')
    .select(['l.id', 'l.number', 'm.code', 'l.quantity', 'l.unit', 'l.state', 'l.created_at'])
    .where('l.order_id', '=', orderId)
    .orderBy('l.number')
    .execute();
  const lots = rows.map((l) => ({
    lot: l.number,
    material: l.code,
    quantity: l.quantity,
    unit: l.unit,
    state: l.state,
    createdAt: iso(l.created_at),
  }));
  return { ids: rows.map((l) => l.id), lots };
}

/** What went into the order's output: every genealogy edge whose child lot the order produced. */
export async function consumedLots(db: ReadDb<Database>, orderId: string): Promise<ConsumedLot[]> {
  const rows = await db
    .selectFrom('genealogy_links as g')
    .innerJoin('genealogy_lots as child', 'child.key', 'g.child')
    .innerJoin('genealogy_lots as parent', 'parent.key', 'g.parent')
    .innerJoin('production_materials as m', 'm.id', 'parent.material_id')
    .select(['parent.number as lot', 'm.code as material', 'g.quantity', 'parent.unit', 'g.operation'])
    .select(['parent.supplier', 'parent.supplier_lot', 'child.number as into', 'g.created_at'])
    .where('child.order_id', '=', orderId)
    .orderBy('g.created_at')
    .orderBy('parent.number')
    .orderBy('child.number')
    .execute();
  return rows.map((r) => ({
    lot: r.lot,
    material: r.material,
    quantity: r.quantity,
    unit: r.unit,
    supplier: r.supplier,
    supplierLot: r.supplier_lot,
    into: r.into,
    operation: r.operation,
    at: iso(r.created_at),
  }));
}

/** Inspections of the order or of any lot it produced, each with the characteristics that failed. */
export async function inspectionParts(
  db: ReadDb<Database>,
  orderId: string,
  lotIds: string[],
): Promise<InspectionPart[]> {
  const rows = await db
    .selectFrom('quality_inspections as i')
    .innerJoin('quality_plans as p', 'p.id', 'i.plan_id')
    .leftJoin('genealogy_lots as l', 'l.id', 'i.lot_id')
    .select(['i.id', 'p.code', 'p.version', 'l.number as lot', 'i.result', 'i.inspected_at', 'i.inspected_by'])
    .where((eb) =>
      lotIds.length > 0
        ? eb.or([eb('i.order_id', '=', orderId), eb('i.lot_id', 'in', lotIds)])
        : eb('i.order_id', '=', orderId),
    )
    .orderBy('i.inspected_at')
    .orderBy('i.id')
    .execute();
  const failed =
    rows.length > 0
      ? await db
          .selectFrom('quality_measurements')
          .select(['inspection_id', 'characteristic'])
          .where('passed', '=', 0)
          .where(
            'inspection_id',
            'in',
            rows.map((r) => r.id),
          )
          .execute()
      : [];
  return rows.map((r) => ({
    plan: r.code,
    planVersion: r.version,
    lot: r.lot,
    result: r.result,
    failedCharacteristics: [
      ...new Set(failed.filter((f) => f.inspection_id === r.id).map((f) => f.characteristic)),
    ].sort(),
    inspectedAt: iso(r.inspected_at),
    inspectedBy: r.inspected_by,
  }));
}

/**
 * The successful commands that acted on the order or its control recipes, from the audit log, with each
 * record's chain hash: the batch record then points at records whose integrity the audit log proves.
 * Read through the command's transaction (on SQLite the one connection is held by it).
 */
export async function commandParts(
  db: ReadDb<Database>,
  dialect: Dialect,
  targetIds: string[],
): Promise<CommandPart[]> {
  const field = (...path: string[]) => jsonText(dialect, 'body', path);
  const rows = await db
    .selectFrom('audit_records')
    .select(['seq', 'body', 'hash'])
    .where(field('target', 'id'), 'in', targetIds)
    .where(field('outcome'), '=', 'success')
    .orderBy('seq')
    .limit(1000)
    .execute();
  return rows.map((row) => {
    const record = JSON.parse(row.body) as { action: string; actor: { id: string }; ts: string };
    return {
      seq: Number(row.seq),
      action: record.action,
      actorId: record.actor.id,
      at: record.ts,
      hash: Buffer.from(row.hash).toString('hex'),
    };
  });
}
