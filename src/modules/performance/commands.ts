import { Type } from '@sinclair/typebox';
import { ConflictError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand, type Database } from './db.js';
import { placePath, requireNode, toNode } from '../plant/index.js';
import type { DownCategory, MachineState } from './oee.js';

export const equipmentPath = placePath('the plant path of the equipment');
const when = Type.Optional(Type.String({ format: 'date-time', description: 'when it happened (default: now)' }));
/** Devices' clocks drift; a report from further ahead than this is refused rather than trusted. */
export const FUTURE_SKEW_MS = 5_000;

function instant(ctx: CommandContext, at: string | undefined): number {
  const time = at === undefined ? ctx.now : Date.parse(at);
  if (time > ctx.now + FUTURE_SKEW_MS)
    throw new ValidationError('That time is in the future.', [{ path: '/at', message: 'later than now' }]);
  return time;
}

export interface StateChange {
  equipment: string;
  state: MachineState;
  category?: DownCategory;
  reason?: string;
  at: number;
}

/**
 * Closes the equipment's open state interval and opens the new one. Exported so device ingestion records
 * states inside its own batch commands; the same rules hold for both.
 */
export async function recordState(ctx: CommandContext, change: StateChange): Promise<{ changed: boolean }> {
  // The caller's context is typed with the caller's tables (maintenance, ingest); these are performance's.
  const tx = ctx.tx as CommandContext<Database>['tx'];
  await requireNode(tx, change.equipment);
  if (change.state === 'down' && (change.reason === undefined || change.reason === ''))
    throw new ValidationError('A down state needs a reason.', [{ path: '/reason', message: 'required when down' }]);
  const open = await tx
    .selectFrom('performance_states')
    .selectAll()
    .where('equipment_path', '=', change.equipment)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  if (open && change.at < open.started_at)
    throw new ConflictError(`${change.equipment} has a later state already.`, 'out_of_order');
  if (open && open.state === change.state && open.reason === (change.reason ?? null)) return { changed: false };
  if (open) await tx.updateTable('performance_states').set({ ended_at: change.at }).where('id', '=', open.id).execute();
  await tx
    .insertInto('performance_states')
    .values({
      id: newId(),
      equipment_path: change.equipment,
      state: change.state,
      category: change.state === 'down' ? (change.category ?? 'breakdown') : null,
      reason: change.reason ?? null,
      started_at: change.at,
      ended_at: null,
    })
    .execute();
  ctx.emit('performance.state-changed', {
    equipment: change.equipment,
    state: change.state,
    reason: change.reason ?? null,
  });
  return { changed: true };
}

export const setState = defineCommand({
  name: 'performance.state.record',
  summary: 'Record a machine state: running, idle, down (with a reason), planned stop, unknown or disconnected',
  input: Type.Object(
    {
      equipment: equipmentPath,
      // unknown / disconnected: the state is not known (no data); that time is kept out of OEE's planned time.
      state: Type.Union(
        ['running', 'idle', 'down', 'planned-stop', 'unknown', 'disconnected'].map((s) => Type.Literal(s)),
      ),
      category: Type.Optional(Type.Union([Type.Literal('breakdown'), Type.Literal('setup')])),
      reason: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })),
      at: when,
    },
    { additionalProperties: false },
  ),
  output: Type.Object(
    { equipment: Type.String(), state: Type.String(), since: Type.String(), changed: Type.Boolean() },
    { additionalProperties: false },
  ),
  // validation_failed: a time in the future or a down state without a reason; out_of_order: a later state exists.
  errors: ['validation_failed', 'not_found', 'out_of_order'],
  http: { method: 'POST', url: '/api/performance/states' },
  permission: 'performance.record',
  scope: (input) => input.equipment,
  async handler(ctx, input) {
    const change = { ...input, state: input.state as MachineState, at: instant(ctx, input.at) };
    const result = await recordState(ctx, change);
    ctx.setTarget({ type: 'plant.node', id: input.equipment });
    ctx.note({ state: input.state, reason: input.reason ?? null, changed: result.changed });
    return { equipment: input.equipment, state: input.state, since: new Date(change.at).toISOString(), ...result };
  },
});

export interface CountReport {
  equipment: string;
  total: number;
  good: number;
  idealCycleSeconds?: number;
  startup?: boolean;
  at: number;
}

/** What recording a count says back: the ideal cycle time used, or why performance cannot be judged. */
export interface CountOutcome {
  idealCycleSeconds: number | null;
  performanceComputable: boolean;
  warnings: string[];
}

/** The equipment's `idealCycleSeconds` property, if it holds a positive number. */
function idealOf(properties: { id: string; value: unknown }[]): number | undefined {
  const property = properties.find((p) => p.id === 'idealCycleSeconds')?.value;
  const ideal = typeof property === 'number' ? property : Number(property);
  return ideal > 0 ? ideal : undefined;
}

/**
 * The ideal cycle time comes with the report, or from the equipment's `idealCycleSeconds` property. Without
 * either the parts are still stored (they were made), with no ideal time: OEE then says its performance
 * cannot be computed, and so does this function's answer.
 */
export async function recordCount(ctx: CommandContext, report: CountReport): Promise<CountOutcome> {
  const tx = ctx.tx as CommandContext<Database>['tx'];
  const node = toNode(await requireNode(tx, report.equipment));
  if (report.good > report.total)
    throw new ValidationError('Good parts cannot outnumber all parts.', [
      { path: '/good', message: 'more than total' },
    ]);
  const ideal = report.idealCycleSeconds ?? idealOf(node.properties) ?? null;
  await tx
    .insertInto('performance_counts')
    .values({
      id: newId(),
      equipment_path: report.equipment,
      at: report.at,
      total: report.total,
      good: report.good,
      ideal_cycle_seconds: ideal,
      startup: report.startup ? 1 : 0,
    })
    .execute();
  const warnings =
    ideal === null
      ? [
          `No ideal cycle time for ${report.equipment}: the parts are stored, but performance and OEE cannot be ` +
            'computed for them. Set the equipment property idealCycleSeconds, or give idealCycleSeconds.',
        ]
      : [];
  return { idealCycleSeconds: ideal, performanceComputable: ideal !== null, warnings };
}

export const reportCount = defineCommand({
  name: 'performance.count.record',
  summary: 'Record part counts (total and good) made by a piece of equipment',
  input: Type.Object(
    {
      equipment: equipmentPath,
      total: Type.Integer({ minimum: 0, maximum: 1e9 }),
      good: Type.Integer({ minimum: 0, maximum: 1e9 }),
      idealCycleSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400 })),
      startup: Type.Optional(Type.Boolean({ description: 'made while starting up (rejects count as reduced yield)' })),
      at: when,
    },
    { additionalProperties: false },
  ),
  output: Type.Object(
    {
      equipment: Type.String(),
      total: Type.Integer(),
      good: Type.Integer(),
      idealCycleSeconds: Type.Union([Type.Number(), Type.Null()]),
      performanceComputable: Type.Boolean(),
      warnings: Type.Array(Type.String()),
    },
    { additionalProperties: false },
  ),
  errors: ['validation_failed', 'not_found'],
  http: { method: 'POST', url: '/api/performance/counts' },
  permission: 'performance.record',
  scope: (input) => input.equipment,
  async handler(ctx, input) {
    const result = await recordCount(ctx, { ...input, at: instant(ctx, input.at) });
    ctx.setTarget({ type: 'plant.node', id: input.equipment });
    ctx.note({ total: input.total, good: input.good, idealCycleSeconds: result.idealCycleSeconds });
    return { equipment: input.equipment, total: input.total, good: input.good, ...result };
  },
});
