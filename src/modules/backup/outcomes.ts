import { Type, type Static } from '@sinclair/typebox';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../../kernel/actors.js';
import { AppError } from '../../kernel/errors.js';
import type { CommandPort } from '../../kernel/module.js';
import { defineCommand } from './db.js';

const closed = { additionalProperties: false } as const;
const text = (max: number) => Type.String({ maxLength: max });

export const copyOutcome = Type.Object(
  {
    destination: text(32),
    status: Type.Union([Type.Literal('written'), Type.Literal('failed'), Type.Literal('removed')]),
    attempts: Type.Integer({ minimum: 0 }),
    bytes: Type.Integer({ minimum: 0 }),
    error: Type.Optional(text(500)),
  },
  closed,
);

export const drillOutcome = Type.Object(
  {
    destination: text(32),
    backupId: Type.Union([text(40), Type.Null()]),
    status: Type.Union([Type.Literal('passed'), Type.Literal('failed')]),
    startedAt: Type.Integer(),
    finishedAt: Type.Integer(),
    rpoMs: Type.Union([Type.Integer(), Type.Null()]),
    rtoMs: Type.Union([Type.Integer(), Type.Null()]),
    checks: Type.Array(Type.Object({ name: text(100), ok: Type.Boolean(), detail: text(1000) }, closed)),
    error: Type.Optional(text(500)),
  },
  closed,
);

/** The outcome of one job, recorded by the process that ran it, with the system (or the CLI user) as actor. */
export const finishInput = Type.Object(
  {
    jobId: text(40),
    status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
    error: Type.Optional(text(1000)),
    result: Type.Record(Type.String(), Type.Unknown()),
    backup: Type.Optional(
      Type.Object(
        {
          id: text(40),
          createdAt: Type.Integer(),
          treeSize: Type.Integer({ minimum: 0 }),
          bytes: Type.Integer({ minimum: 0 }),
          manifestSha256: text(64),
          dialect: text(20),
        },
        closed,
      ),
    ),
    /** Copies of `backupId` (the job's own backup, or another one copied later). */
    copies: Type.Optional(Type.Array(Type.Object({ backupId: text(40), copy: copyOutcome }, closed))),
    drills: Type.Optional(Type.Array(drillOutcome)),
  },
  closed,
);

export const BACKUP_FAILED = 'backup.failed';
export const BACKUP_SUCCEEDED = 'backup.succeeded';
export const COPY_FAILED = 'backup.copy-failed';
export const DRILL_FAILED = 'backup.drill-failed';
export const DRILL_PASSED = 'backup.drill-passed';

export const finishJob = defineCommand({
  name: 'backup.job.finish',
  summary: 'Record the outcome of backup work: the backup made, its copies, drills',
  input: finishInput,
  output: Type.Object({ recorded: Type.Literal(true) }, closed),
  errors: [],
  permission: 'backup.record',
  internal: true,
  async handler(ctx, input) {
    const { tx, now } = ctx;
    await tx
      .updateTable('backup_jobs')
      .set({
        status: input.status,
        finished_at: now,
        result: JSON.stringify(input.result),
        error: input.error ?? null,
        ...(input.backup ? { backup_id: input.backup.id } : {}),
      })
      .where('id', '=', input.jobId)
      .execute();
    if (input.backup) {
      const b = input.backup;
      await tx
        .insertInto('backup_sets')
        .values({
          id: b.id,
          created_at: b.createdAt,
          tree_size: b.treeSize,
          bytes: b.bytes,
          manifest_sha256: b.manifestSha256,
          dialect: b.dialect,
        })
        .execute();
    }
    for (const { backupId, copy } of input.copies ?? []) {
      const row = {
        status: copy.status,
        attempts: copy.attempts,
        error: copy.error ?? null,
        updated_at: now,
        bytes: copy.bytes,
      };
      await tx
        .insertInto('backup_copies')
        .values({ backup_id: backupId, destination: copy.destination, ...row })
        .onConflict((oc) => oc.columns(['backup_id', 'destination']).doUpdateSet(row))
        .execute();
      if (copy.status === 'failed')
        ctx.emit(COPY_FAILED, { backupId, destination: copy.destination, error: copy.error ?? 'unknown' });
    }
    for (const drill of input.drills ?? []) {
      await tx
        .insertInto('backup_drills')
        .values({
          id: `${input.jobId}:${drill.destination}`,
          job_id: input.jobId,
          destination: drill.destination,
          backup_id: drill.backupId,
          status: drill.status,
          started_at: drill.startedAt,
          finished_at: drill.finishedAt,
          rpo_ms: drill.rpoMs,
          rto_ms: drill.rtoMs,
          checks: JSON.stringify(drill.checks),
          error: drill.error ?? null,
        })
        .execute();
      const payload = { jobId: input.jobId, destination: drill.destination, backupId: drill.backupId };
      ctx.emit(drill.status === 'passed' ? DRILL_PASSED : DRILL_FAILED, {
        ...payload,
        ...(drill.error !== undefined ? { error: drill.error } : {}),
      });
    }
    const kind = await tx.selectFrom('backup_jobs').select('kind').where('id', '=', input.jobId).executeTakeFirst();
    if (kind?.kind === 'backup')
      ctx.emit(input.status === 'failed' ? BACKUP_FAILED : BACKUP_SUCCEEDED, {
        jobId: input.jobId,
        ...(input.error !== undefined ? { error: input.error } : {}),
      });
    ctx.setTarget({ type: 'backup.job', id: input.jobId });
    ctx.note({
      kind: kind?.kind ?? 'unknown',
      status: input.status,
      ...(input.error !== undefined ? { error: input.error } : {}),
      ...(input.backup ? { backupId: input.backup.id, treeSize: input.backup.treeSize } : {}),
      copies: (input.copies ?? []).map((c) => `${c.backupId}@${c.copy.destination}:${c.copy.status}`),
      drills: (input.drills ?? []).map((d) => `${d.destination}:${d.status}`),
    });
    return { recorded: true as const };
  },
});

const RECORD_ATTEMPTS = 4;

/**
 * Records a job's outcome as the system. Tried again after a pause when the database refuses for a moment
 * (SQLite's one writer busy past its timeout under a burst of writes): work that took minutes and succeeded
 * must not end up recorded as nothing.
 */
export async function recordOutcome(
  commands: CommandPort,
  input: Static<typeof finishInput>,
  pauseMs = 1000,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await commands.execute(finishJob, input, SYSTEM_ACTOR, SYSTEM_ORIGIN);
      return;
    } catch (error) {
      const transient = error instanceof AppError && (error.status === 500 || error.status === 503);
      if (!transient || attempt >= RECORD_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs * attempt));
    }
  }
}
