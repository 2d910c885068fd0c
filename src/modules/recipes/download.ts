import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';
import { placePath, reportAtPlace } from '../plant/index.js';
import type { Database } from './db.js';
import type { Parameter } from './model.js';
import { verifiedOrBlocked } from './release.js';
import type { RecipeSealer } from './seal.js';
import { openParameters, openReading, openVersionRow, sealReading } from './sealed-content.js';
import { recipeByCode } from './store.js';

/** Emitted after commit; the device connectors (MQTT DCMD, OPC UA write) send the set points. In-process only. */
export const DOWNLOAD_EVENT = 'recipes.download-requested';

/**
 * Sends the order's control recipe to a piece of equipment: the seal is verified again, the download is
 * recorded, and the set points go out after commit. What the machine then reports back is compared with it.
 */
export const downloadControlRecipe = (sealer: RecipeSealer) =>
  defineCommand({
    name: 'recipes.control.download',
    summary: "Send the order's control recipe set points to equipment (seal verified; read-back compared)",
    input: Type.Object(
      { order: Type.String({ maxLength: 40 }), equipment: placePath() },
      { additionalProperties: false },
    ),
    output: Type.Object(
      { download: Type.String(), order: Type.String(), equipment: Type.String(), parameters: Type.Integer() },
      { additionalProperties: false },
    ),
    errors: ['not_found', 'illegal_transition', 'seal_broken'],
    permission: 'recipes.issue',
    http: { method: 'POST', url: '/api/recipes/download' },
    scope: (input) => input.equipment,
    async handler(ctx, input) {
      const control = await ctx.tx
        .selectFrom('recipe_control as c')
        .innerJoin('production_orders as o', 'o.id', 'c.order_id')
        .innerJoin('recipe_versions as v', 'v.id', 'c.version_id')
        .innerJoin('recipes as r', 'r.id', 'v.recipe_id')
        .select(['c.id as controlId', 'o.id as orderId', 'o.state as orderState', 'r.code', 'v.id as versionId'])
        .where('o.number', '=', input.order)
        .orderBy('c.issued_at', 'desc')
        .executeTakeFirst();
      if (!control) throw new NotFoundError(`Work order ${input.order} has no control recipe.`);
      if (['completed', 'closed'].includes(control.orderState))
        throw new ConflictError(`Work order ${input.order} is ${control.orderState}.`, 'illegal_transition');
      const recipe = await recipeByCode(ctx.tx, control.code);
      const v = await openVersionRow(
        ctx.cipher,
        await ctx.tx
          .selectFrom('recipe_versions')
          .selectAll()
          .where('id', '=', control.versionId)
          .executeTakeFirstOrThrow(),
      );
      const refusal = await verifiedOrBlocked(ctx, sealer, recipe, v);
      if (refusal) return refusal;
      const id = newId();
      await ctx.tx
        .insertInto('recipe_downloads')
        .values({
          id,
          control_id: control.controlId,
          order_id: control.orderId,
          equipment: input.equipment,
          state: 'sent',
          sent_at: ctx.now,
          sent_by: ctx.actor.id,
          confirmed_at: null,
        })
        .execute();
      const setPoints = Object.fromEntries((JSON.parse(v.parameters) as Parameter[]).map((p) => [p.name, p.setPoint]));
      ctx.emit(DOWNLOAD_EVENT, { downloadId: id, equipment: input.equipment, setPoints });
      ctx.setTarget({ type: 'recipe.download', id });
      ctx.note({ order: input.order, equipment: input.equipment, recipe: recipe.code, version: v.version });
      return {
        download: id,
        order: input.order,
        equipment: input.equipment,
        parameters: Object.keys(setPoints).length,
      };
    },
  });

export interface SetPointReading {
  parameter: string;
  value: number;
  ts: number;
}

export const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Compares set points a machine reports with the last download to it. The first mismatch after a download
 * is a failed download; a later change is a change at the machine that Bastion did not issue. Each is a
 * deviation on the order and an alert, recorded once per new value (not at every telemetry cycle).
 */
export async function checkSetPoints(ctx: CommandContext<Database>, equipment: string, readings: SetPointReading[]) {
  const download = await ctx.tx
    .selectFrom('recipe_downloads as d')
    .innerJoin('recipe_control as c', 'c.id', 'd.control_id')
    .innerJoin('recipe_versions as v', 'v.id', 'c.version_id')
    .select(['d.id', 'd.order_id', 'd.control_id', 'd.state', 'v.id as version_id', 'v.parameters'])
    .where('d.equipment', '=', equipment)
    .orderBy('d.sent_at', 'desc')
    .executeTakeFirst();
  if (!download) return { mismatches: 0 };
  const parameters = await openParameters<Parameter>(ctx.cipher, download.version_id, download.parameters);
  const issued = new Map(parameters.map((p) => [p.name, p]));
  let mismatches = 0;
  let allMatch = true;
  for (const r of readings) {
    const p = issued.get(r.parameter);
    if (!p) continue;
    const rowKey = `${download.id}/${p.name}`;
    const stored = await ctx.tx
      .selectFrom('recipe_readbacks')
      .select('reading')
      .where('download_id', '=', download.id)
      .where('parameter', '=', p.name)
      .executeTakeFirst();
    const last = stored && { value: await openReading<number>(ctx.cipher, 'recipe_readbacks', rowKey, stored.reading) };
    const reading = await sealReading(ctx, 'recipe_readbacks', rowKey, r.value);
    await (
      last
        ? ctx.tx
            .updateTable('recipe_readbacks')
            .set({ reading, at: r.ts })
            .where('download_id', '=', download.id)
            .where('parameter', '=', p.name)
        : ctx.tx
            .insertInto('recipe_readbacks')
            .values({ download_id: download.id, parameter: p.name, reading, at: r.ts })
    ).execute();
    if (same(r.value, p.setPoint)) continue;
    allMatch = false;
    if (last && same(last.value, r.value)) continue; // already recorded
    const kind = download.state === 'sent' ? 'set-point-mismatch' : 'unauthorised-change';
    const id = newId();
    await ctx.tx
      .insertInto('recipe_deviations')
      .values({
        id,
        order_id: download.order_id,
        control_id: download.control_id,
        parameter: p.name,
        kind,
        reading: await sealReading(ctx, 'recipe_deviations', id, { value: r.value, low: p.low, high: p.high }),
        critical: p.critical ? 1 : 0,
        equipment,
        at: r.ts,
      })
      .execute();
    mismatches += 1;
    ctx.emit('security.set-point-changed', {
      severity: p.critical ? 'critical' : 'high',
      equipment,
      parameter: p.name,
      kind,
    });
  }
  if (allMatch && readings.some((r) => issued.has(r.parameter)) && download.state === 'sent')
    await ctx.tx
      .updateTable('recipe_downloads')
      .set({ state: 'confirmed', confirmed_at: ctx.now })
      .where('id', '=', download.id)
      .execute();
  else if (!allMatch && download.state !== 'mismatch')
    await ctx.tx
      .updateTable('recipe_downloads')
      .set({ state: download.state === 'sent' ? 'mismatch' : 'drifted' })
      .where('id', '=', download.id)
      .execute();
  return { mismatches };
}

/** The plant's report-at-a-place command, with what this report answers and where it is reached. */
export const reportSetPoints = {
  ...reportAtPlace({
    name: 'recipes.set-points.report',
    summary: 'Report the set points a machine holds; differences from the last download become deviations',
    key: 'readings',
    items: Type.Object(
      { parameter: Type.String({ maxLength: 80 }), value: Type.Number(), ts: Type.Integer({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    apply: checkSetPoints,
  }),
  output: Type.Object({ mismatches: Type.Integer() }, { additionalProperties: false }),
  errors: [] as const,
  http: { method: 'POST' as const, url: '/api/set-points' },
};
