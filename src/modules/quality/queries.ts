import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import { activePlan, planView, type Characteristic } from './plans.js';
import { ncrView } from './ncrs.js';
import { controlChart } from './spc.js';

export async function listPlans(db: ReadDb<Database>) {
  const rows = await db
    .selectFrom('quality_plans as p')
    .innerJoin('production_materials as m', 'm.id', 'p.material_id')
    .selectAll('p')
    .select('m.code as product')
    .where('p.state', '=', 'active')
    .orderBy('p.code')
    .execute();
  return rows.map((row) => planView(row, row.product));
}

export async function listInspections(db: ReadDb<Database>, filter: { lot?: string; plan?: string }, limit = 200) {
  let query = db
    .selectFrom('quality_inspections as i')
    .innerJoin('quality_plans as p', 'p.id', 'i.plan_id')
    .leftJoin('genealogy_lots as l', 'l.id', 'i.lot_id')
    .leftJoin('production_orders as o', 'o.id', 'i.order_id')
    .select([
      'i.id',
      'p.code as plan',
      'p.version',
      'l.number as lot',
      'o.number as order',
      'i.result',
      'i.inspected_at',
    ]);
  if (filter.lot !== undefined && filter.lot !== '') query = query.where('l.number', '=', filter.lot);
  if (filter.plan !== undefined && filter.plan !== '') query = query.where('p.code', '=', filter.plan);
  const rows = await query.orderBy('i.inspected_at', 'desc').orderBy('i.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    plan: r.plan,
    planVersion: r.version,
    lot: r.lot,
    order: r.order,
    result: r.result,
    inspectedAt: new Date(r.inspected_at).toISOString(),
  }));
}

export async function listNcrs(db: ReadDb<Database>, state?: string) {
  let query = db
    .selectFrom('quality_ncrs as n')
    .leftJoin('genealogy_lots as l', 'l.id', 'n.lot_id')
    .selectAll('n')
    .select('l.number as lot');
  if (state !== undefined && state !== '') query = query.where('n.state', '=', state);
  return (await query.orderBy('n.number', 'desc').limit(500).execute()).map(ncrView);
}

/**
 * Control chart of one characteristic over its most recent inspections (all versions of the plan), oldest
 * first; the first `baseline` subgroups set the limits.
 */
export async function spcChart(
  db: ReadDb<Database>,
  query: { plan: string; characteristic: string; baseline?: number; last?: number },
) {
  const plan = await activePlan(db, query.plan);
  const spec = (JSON.parse(plan.characteristics) as Characteristic[]).find((c) => c.name === query.characteristic);
  if (!spec) throw new NotFoundError(`Plan ${query.plan} has no characteristic ${query.characteristic}.`);
  const recent = await db
    .selectFrom('quality_inspections as i')
    .innerJoin('quality_plans as p', 'p.id', 'i.plan_id')
    .select(['i.id', 'i.inspected_at'])
    .where('p.code', '=', query.plan)
    .orderBy('i.inspected_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(query.last ?? 200)
    .execute();
  recent.reverse();
  const ids = recent.map((r) => r.id);
  const values =
    ids.length > 0
      ? await db
          .selectFrom('quality_measurements')
          .select(['inspection_id', 'value'])
          .where('inspection_id', 'in', ids)
          .where('characteristic', '=', spec.name)
          .orderBy('sample')
          .execute()
      : [];
  const byInspection = new Map<string, number[]>(ids.map((id) => [id, []]));
  for (const v of values) byInspection.get(v.inspection_id)!.push(Number(v.value));
  // A change of subgroup size in a later plan version starts a new chart: older samples are left out.
  const kept = recent.filter((r) => byInspection.get(r.id)!.length === spec.subgroupSize);
  const subgroups = kept.map((r) => byInspection.get(r.id)!);
  if (subgroups.length < 2)
    throw new ValidationError('A control chart needs at least two inspections.', [
      { path: '/characteristic', message: `${subgroups.length} inspection(s) so far` },
    ]);
  const chart = controlChart(subgroups, query.baseline ?? subgroups.length);
  return {
    plan: plan.code,
    characteristic: spec,
    inspectedAt: kept.map((r) => new Date(r.inspected_at).toISOString()),
    ...chart,
  };
}
