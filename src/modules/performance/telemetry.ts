import { Type } from '@sinclair/typebox';
import { AppError, ConflictError, ValidationError } from '../../kernel/errors.js';
import type { AnyCommand, CommandContext } from '../../kernel/pipeline/types.js';
import { reportAtPlace } from '../plant/index.js';
import type { Database } from './db.js';
import { FUTURE_SKEW_MS, recordCount, recordState } from './commands.js';
import type { MachineState } from './oee.js';

/** What a machine's telemetry says, already decoded (Sparkplug, JSON or OPC UA): the metrics Bastion reads. */
export interface MachineSample {
  ts: number;
  state?: string;
  fault?: string;
  /** Cumulative counters as the machine keeps them (they may restart at zero). */
  total?: number;
  good?: number;
}

// A machine may say it does not know its state; `disconnected` is Bastion's to record (ingest, on a death).
const STATES = new Set<MachineState>(['running', 'idle', 'down', 'planned-stop', 'unknown']);

export type TelemetryOutcome = {
  states: number;
  parts: number;
  /** Of `parts`, those stored without an ideal cycle time: their performance cannot be computed. */
  unrated: number;
  /** Samples that broke a rule (unknown state, out of order): kept out, counted. */
  ignored: number;
};

/**
 * Turns machine telemetry into states and part counts inside the caller's transaction (the ingest batch).
 * A bad sample is counted and skipped rather than thrown, so one machine cannot fail a batch for others.
 */
export async function applyTelemetry(
  ctx: CommandContext,
  equipment: string,
  samples: MachineSample[],
): Promise<TelemetryOutcome> {
  const outcome: TelemetryOutcome = { states: 0, parts: 0, unrated: 0, ignored: 0 };
  for (const sample of [...samples].sort((a, b) => a.ts - b.ts)) {
    try {
      if (sample.state !== undefined) {
        if (!STATES.has(sample.state as MachineState)) throw new Error('unknown state');
        const state = sample.state as MachineState;
        const fault = sample.fault !== undefined && sample.fault !== '' ? sample.fault : 'unspecified fault';
        const reason = state === 'down' ? fault : undefined;
        if ((await recordState(ctx, { equipment, state, reason, at: sample.ts })).changed) outcome.states += 1;
      }
      if (sample.total !== undefined) {
        const { made, rated } = await countDelta(ctx, equipment, sample);
        outcome.parts += made;
        if (!rated) outcome.unrated += made;
      }
    } catch (error) {
      if (!(error instanceof AppError) && !(error instanceof Error && error.message === 'unknown state')) throw error;
      outcome.ignored += 1;
    }
  }
  return outcome;
}

/** The parts made since the last report: the counter's increase, or all of it after a restart at zero. */
async function countDelta(ctx: CommandContext, equipment: string, sample: MachineSample) {
  // The caller's context is typed with the caller's tables (ingest's batches); these are performance's.
  const tx = ctx.tx as CommandContext<Database>['tx'];
  const total = sample.total!;
  const good = sample.good ?? total;
  const last = await tx
    .selectFrom('performance_counters')
    .selectAll()
    .where('equipment_path', '=', equipment)
    .executeTakeFirst();
  // An older reading (a late historical one) would read as a counter restart and count its parts twice.
  if (last && sample.ts < Number(last.updated_at))
    throw new ConflictError('A later counter reading was applied already.', 'out_of_order');
  const restarted = !last || total < last.total || good < last.good;
  const made = restarted ? (last ? total : 0) : total - last.total;
  const madeGood = restarted ? (last ? good : 0) : good - last.good;
  if (last)
    await tx
      .updateTable('performance_counters')
      .set({ total, good, updated_at: sample.ts })
      .where('equipment_path', '=', equipment)
      .execute();
  else
    await tx
      .insertInto('performance_counters')
      .values({ equipment_path: equipment, total, good, updated_at: sample.ts })
      .execute();
  if (made === 0) return { made, rated: true };
  const counted = await recordCount(ctx, { equipment, total: made, good: Math.min(madeGood, made), at: sample.ts });
  return { made, rated: counted.performanceComputable };
}

/**
 * Telemetry from an integration that is not a registered device stream (a gateway, a script, a test).
 * The contract is set over plant's generic report command: a bad sample is counted in `ignored`, never thrown,
 * so only a time in the future refuses the batch.
 */
export const applyTelemetryCommand = {
  ...reportAtPlace({
    name: 'performance.telemetry.apply',
    summary: 'Apply machine telemetry (state, fault, cumulative counters) to states and part counts',
    key: 'samples',
    items: Type.Object(
      {
        ts: Type.Integer({ minimum: 0, description: 'epoch milliseconds' }),
        state: Type.Optional(Type.String({ maxLength: 40 })),
        fault: Type.Optional(Type.String({ maxLength: 200 })),
        total: Type.Optional(Type.Integer({ minimum: 0 })),
        good: Type.Optional(Type.Integer({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
    apply: (ctx, equipment, samples) => {
      // As for recorded states and counts: a clock ahead of ours would open states in the future.
      const ahead = samples.findIndex((s) => s.ts > ctx.now + FUTURE_SKEW_MS);
      if (ahead >= 0)
        throw new ValidationError('That time is in the future.', [
          { path: `/samples/${ahead}/ts`, message: 'later than now' },
        ]);
      return applyTelemetry(ctx, equipment, samples);
    },
  }),
  output: Type.Object(
    { states: Type.Integer(), parts: Type.Integer(), unrated: Type.Integer(), ignored: Type.Integer() },
    { additionalProperties: false },
  ),
  errors: ['validation_failed'],
  http: { method: 'POST', url: '/api/performance/telemetry' },
} satisfies AnyCommand;
