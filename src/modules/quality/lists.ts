import { Type } from '@sinclair/typebox';
import type { FieldCipher } from '../../kernel/privacy/cipher.js';
import { sql } from 'kysely';
import { pageFrom, pageOf, pageQuery } from '../../kernel/pagination.js';
import type { ReadScopes } from '../../kernel/scopes.js';
import type { ReadDb } from '../../kernel/store.js';
import { afterCursor, cursorOf } from '../../kernel/keyset.js';
import { placedWithin } from '../../kernel/scopes.js';
import type { Database } from './db.js';
import { pendingDispositions, type PendingDisposition } from './ncr-approvals.js';
import { ncrSchema, ncrView } from './ncrs.js';

/*
 * Inspections and NCRs lie where what they judge was made: an inspection on the line of its work order, else
 * of the order that made its lot; an NCR where its lot was made, else where its inspection lies. Those bound
 * to no line (a received lot's incoming inspection) are seen by every holder of quality.read. Both lists are
 * newest first: (time, id) descending.
 */

const nullableString = Type.Union([Type.String(), Type.Null()]);

export const inspectionSchema = Type.Object(
  {
    id: Type.String(),
    plan: Type.String(),
    planVersion: Type.Integer(),
    lot: nullableString,
    order: nullableString,
    result: Type.String(),
    inspectedAt: Type.String(),
  },
  { additionalProperties: false },
);

export const inspectionListQuery = Type.Object(
  {
    ...pageQuery,
    lot: Type.Optional(Type.String({ maxLength: 60, description: 'only inspections of this lot' })),
    plan: Type.Optional(Type.String({ maxLength: 40, description: 'only inspections against this plan' })),
    result: Type.Optional(Type.Union([Type.Literal('pass'), Type.Literal('fail')])),
  },
  { additionalProperties: false },
);
export const inspectionPage = pageOf(inspectionSchema);

export const ncrListQuery = Type.Object(
  {
    ...pageQuery,
    state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
    number: Type.Optional(Type.String({ maxLength: 20, description: 'only this report (NCR-000001)' })),
    lot: Type.Optional(Type.String({ maxLength: 60, description: 'only reports on this lot' })),
  },
  { additionalProperties: false },
);
export const ncrPage = pageOf(ncrSchema);

export async function listInspections(
  db: ReadDb<Database>,
  query: { limit?: number; cursor?: string; lot?: string; plan?: string; result?: string },
  scopes: ReadScopes,
) {
  const limit = query.limit ?? 50;
  const cursor = cursorOf(query.cursor, ['number', 'string']);
  let select = db
    .selectFrom('quality_inspections as i')
    .innerJoin('quality_plans as p', 'p.id', 'i.plan_id')
    .leftJoin('genealogy_lots as l', 'l.id', 'i.lot_id')
    .leftJoin('production_orders as o', 'o.id', 'i.order_id')
    .leftJoin('production_orders as lo', 'lo.id', 'l.order_id')
    .select(['i.id', 'p.code as plan', 'p.version', 'l.number as lot', 'o.number as order', 'i.result'])
    .select('i.inspected_at')
    .where((eb) => placedWithin(eb, ['o.line_path', 'lo.line_path'], scopes));
  if (query.lot !== undefined) select = select.where('l.number', '=', query.lot);
  if (query.plan !== undefined) select = select.where('p.code', '=', query.plan);
  if (query.result !== undefined) select = select.where('i.result', '=', query.result);
  if (cursor !== undefined) select = select.where((eb) => afterCursor(eb, sql`i.inspected_at`, 'i.id', cursor, 'desc'));
  const rows = await select
    .orderBy('i.inspected_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(limit + 1)
    .execute();
  return pageFrom(
    rows,
    limit,
    (r) => [Number(r.inspected_at), r.id],
    (r) => ({
      id: r.id,
      plan: r.plan,
      planVersion: r.version,
      lot: r.lot,
      order: r.order,
      result: r.result,
      inspectedAt: new Date(r.inspected_at).toISOString(),
    }),
  );
}

export async function listNcrs(
  db: ReadDb<Database>,
  query: { limit?: number; cursor?: string; state?: string; number?: string; lot?: string },
  scopes: ReadScopes,
  now: number,
  cipher: FieldCipher,
) {
  const limit = query.limit ?? 50;
  const cursor = cursorOf(query.cursor, ['number', 'string']);
  let select = db
    .selectFrom('quality_ncrs as n')
    .leftJoin('genealogy_lots as l', 'l.id', 'n.lot_id')
    .leftJoin('production_orders as lo', 'lo.id', 'l.order_id')
    .leftJoin('quality_inspections as i', 'i.id', 'n.inspection_id')
    .leftJoin('production_orders as io', 'io.id', 'i.order_id')
    .leftJoin('genealogy_lots as il', 'il.id', 'i.lot_id')
    .leftJoin('production_orders as ilo', 'ilo.id', 'il.order_id')
    .leftJoin('users as du', 'du.id', 'n.dispositioned_by')
    .leftJoin('users as au', 'au.id', 'n.approved_by')
    .selectAll('n')
    .select(['l.number as lot', 'du.username as dispositioner', 'au.username as approver'])
    .where((eb) => placedWithin(eb, ['lo.line_path', 'io.line_path', 'ilo.line_path'], scopes));
  if (query.state !== undefined) select = select.where('n.state', '=', query.state);
  if (query.number !== undefined) select = select.where('n.number', '=', query.number);
  if (query.lot !== undefined) select = select.where('l.number', '=', query.lot);
  if (cursor !== undefined) select = select.where((eb) => afterCursor(eb, sql`n.created_at`, 'n.id', cursor, 'desc'));
  const rows = await select
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(limit + 1)
    .execute();
  const pending = rows.some((r) => r.state === 'open')
    ? await pendingDispositions(db, now, cipher)
    : new Map<string, PendingDisposition>();
  return pageFrom(
    rows,
    limit,
    (r) => [Number(r.created_at), r.id],
    (r) => ncrView(r, pending.get(r.number)),
  );
}
