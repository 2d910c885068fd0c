import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import type { ReadScopes } from '../../kernel/scopes.js';
import type { ReadDb } from '../../kernel/store.js';
import { placedWithin } from '../../kernel/scopes.js';
import type { Database } from './db.js';
import { activePlan, planView, type Characteristic } from './plans.js';
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

/**
 * Control chart of one characteristic over its most recent inspections (all versions of the plan), oldest
 * first; the first `baseline` subgroups set the limits. Only inspections inside the caller's scopes count: a
 * line's inspector charts the line's process (and the inspections bound to no line).
 */
export async function spcChart(
  db: ReadDb<Database>,
  query: { plan: string; characteristic: string; baseline?: number; last?: number },
  scopes: ReadScopes,
) {
  const plan = await activePlan(db, query.plan);
  const spec = (JSON.parse(plan.characteristics) as Characteristic[]).find((c) => c.name === query.characteristic);
  if (!spec) throw new NotFoundError(`Plan ${query.plan} has no characteristic ${query.characteristic}.`);
  const recent = await db
    .selectFrom('quality_inspections as i')
    .innerJoin('quality_plans as p', 'p.id', 'i.plan_id')
    .leftJoin('production_orders as o', 'o.id', 'i.order_id')
    .leftJoin('genealogy_lots as l', 'l.id', 'i.lot_id')
    .leftJoin('production_orders as lo', 'lo.id', 'l.order_id')
    .select(['i.id', 'i.inspected_at'])
    .where('p.code', '=', query.plan)
    .where((eb) => placedWithin(eb, ['o.line_path', 'lo.line_path'], scopes))
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
