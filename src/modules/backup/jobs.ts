import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { ConflictError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { BastionConfig } from '../../kernel/config/schema.js';
import type { CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand, type Database } from './db.js';

export const JOB_REQUESTED = 'backup.job-requested';
export type JobKind = 'backup' | 'verify' | 'prune' | 'drill' | 'restore';

/** The process that claims a job runs it (the server after the request's commit, the CLI itself). */
const THIS_RUNNER = `${hostname()}:${process.pid}`;

/**
 * Whether the process that claimed a job still lives: one on this host is asked (signal 0); one on another
 * host (instances sharing PostgreSQL) is taken to live until ABANDONED_AFTER_MS.
 */
function runnerAlive(runner: string): boolean {
  const [host, pid] = runner.split(':');
  if (host !== hostname()) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A job still "running" after this long was abandoned by a process that died: it no longer holds the lock. */
export const ABANDONED_AFTER_MS = 6 * 60 * 60 * 1000;

const closed = { additionalProperties: false } as const;
const backupId = Type.String({ pattern: '^\\d{8}T\\d{6}Z-[0-9a-f]{8}$', description: 'a backup ID' });
const destination = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', description: 'a destination name' });
export const jobAccepted = Type.Object(
  {
    jobId: Type.String(),
    kind: Type.Union(['backup', 'verify', 'prune', 'drill', 'restore'].map((k) => Type.Literal(k))),
    status: Type.Literal('running'),
  },
  closed,
);

/**
 * Where an API restore goes: always below the data directory's `restores/`, never the live data itself, and
 * never a path a caller chooses (the API names the copy, not where it lands).
 */
export function restoreTarget(config: BastionConfig, name: string): string {
  return join(config.dataDir, 'restores', name);
}

export function isConfigured(config: BastionConfig): boolean {
  return config.backup.destinations.length > 0 && config.backup.recipients.length > 0;
}

function requireDestination(config: BastionConfig, name: string | undefined): void {
  if (name === undefined || config.backup.destinations.some((d) => d.name === name)) return;
  throw new ConflictError(`No backup destination is named "${name}".`, 'backup_not_configured');
}

/**
 * Claims the one backup lock and records the job. The work itself (minutes of I/O) runs after commit, outside
 * any transaction: in the server on the JOB_REQUESTED event, in the CLI in its own process with progress.
 */
async function claim(
  ctx: CommandContext<Database>,
  kind: JobKind,
  input: Record<string, unknown>,
  backupId: string | null,
): Promise<Static<typeof jobAccepted>> {
  const abandoned = (
    await ctx.tx
      .selectFrom('backup_jobs')
      .select(['id', 'runner', 'requested_at'])
      .where('status', '=', 'running')
      .execute()
  )
    .filter((job) => !runnerAlive(job.runner) || Number(job.requested_at) < ctx.now - ABANDONED_AFTER_MS)
    .map((job) => job.id);
  if (abandoned.length > 0)
    await ctx.tx
      .updateTable('backup_jobs')
      .set({ status: 'abandoned', finished_at: ctx.now, error: 'the process running it ended' })
      .where('id', 'in', abandoned)
      .execute();
  const running = await ctx.tx
    .selectFrom('backup_jobs')
    .select(['id', 'kind'])
    .where('status', '=', 'running')
    .executeTakeFirst();
  if (running)
    throw new ConflictError(`A ${running.kind} job (${running.id}) is running; try again when it ends.`, 'backup_busy');
  const jobId = newId();
  await ctx.tx
    .insertInto('backup_jobs')
    .values({
      id: jobId,
      kind,
      status: 'running',
      backup_id: backupId,
      requested_by: ctx.actor.id,
      requested_at: ctx.now,
      runner: THIS_RUNNER,
      finished_at: null,
      input: JSON.stringify(input),
      result: null,
      error: null,
    })
    .execute();
  ctx.setTarget({ type: 'backup.job', id: jobId });
  ctx.note({ kind, ...input });
  ctx.emit(JOB_REQUESTED, { jobId, kind });
  return { jobId, kind, status: 'running' };
}

function configuredOrRefuse(config: BastionConfig): void {
  if (!isConfigured(config))
    throw new ConflictError(
      'No backup is configured: set backup.destinations and backup.recipients (see docs/OPERATIONS.md).',
      'backup_not_configured',
    );
}

const errors = ['backup_not_configured', 'backup_busy'] as const;

function makeJobCommands(config: BastionConfig) {
  const startBackup = defineCommand({
    name: 'backup.start',
    summary: 'Take a backup now: snapshot, compress, encrypt, sign, copy to every destination',
    input: Type.Object({}, closed),
    output: jobAccepted,
    errors,
    permission: 'backup.run',
    http: { method: 'POST', url: '/api/backups' },
    async handler(ctx) {
      configuredOrRefuse(config);
      return claim(ctx, 'backup', {}, null);
    },
  });
  const verify = defineCommand({
    name: 'backup.verify',
    summary: 'Verify a stored backup at one destination or all: manifest signature, size and SHA-256 of every part',
    input: Type.Object({ backupId, destination: Type.Optional(destination) }, closed),
    output: jobAccepted,
    errors,
    permission: 'backup.verify',
    http: {
      method: 'POST',
      url: '/api/backups/:backupId/verify',
      params: Type.Object({ backupId }, closed),
      body: Type.Object({ destination: Type.Optional(destination) }, closed),
      toInput: (params, body) => ({ ...(body as object), ...params }),
    },
    async handler(ctx, input) {
      configuredOrRefuse(config);
      requireDestination(config, input.destination);
      return claim(ctx, 'verify', input, input.backupId);
    },
  });
  const prune = defineCommand({
    name: 'backup.prune',
    summary: 'Remove the backups the retention rules (hourly, daily, weekly, monthly) no longer keep',
    input: Type.Object({}, closed),
    output: jobAccepted,
    errors,
    permission: 'backup.prune',
    http: { method: 'POST', url: '/api/backups/prune' },
    async handler(ctx) {
      configuredOrRefuse(config);
      return claim(ctx, 'prune', {}, null);
    },
  });
  const drill = defineCommand({
    name: 'backup.drill',
    summary: 'Restore the newest backup of each destination (or one) into a sandbox and check it',
    input: Type.Object({ destination: Type.Optional(destination) }, closed),
    output: jobAccepted,
    errors,
    permission: 'backup.drill',
    http: { method: 'POST', url: '/api/backups/drills' },
    async handler(ctx, input) {
      configuredOrRefuse(config);
      requireDestination(config, input.destination);
      return claim(ctx, 'drill', input, null);
    },
  });
  const restore = defineCommand({
    name: 'backup.restore',
    summary:
      'Restore a backup into restores/<target> in the data directory (PostgreSQL: a database <live name>_restore_<target>) and check it; over an earlier restore only with force and a second person',
    input: Type.Object(
      {
        backupId,
        target: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', description: 'a name for the restored copy' }),
        destination: Type.Optional(destination),
        force: Type.Boolean({ default: false, description: 'replace an earlier restore of that name (dual approval)' }),
      },
      closed,
    ),
    output: jobAccepted,
    errors: [...errors, 'restore_target_not_empty'],
    permission: 'backup.restore',
    http: {
      method: 'POST',
      url: '/api/backups/:backupId/restore',
      params: Type.Object({ backupId }, closed),
      body: Type.Object(
        {
          target: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }),
          destination: Type.Optional(destination),
          force: Type.Optional(Type.Boolean()),
        },
        closed,
      ),
      toInput: (params, body) => ({ force: false, ...(body as object), ...params }),
    },
    // Restoring over data is the one destructive step: a second security officer must approve it.
    approvals: (input) => (input.force ? 1 : 0),
    async handler(ctx, input) {
      configuredOrRefuse(config);
      requireDestination(config, input.destination);
      if (!input.force && existsSync(restoreTarget(config, input.target)))
        throw new ConflictError(
          `A restore named "${input.target}" exists; restoring over it needs force (and a second person's approval).`,
          'restore_target_not_empty',
        );
      return claim(ctx, 'restore', input, input.backupId);
    },
  });
  return { backup: startBackup, verify, prune, drill, restore };
}

export type JobCommands = ReturnType<typeof makeJobCommands>;
const byConfig = new WeakMap<BastionConfig, JobCommands>();

/**
 * The request commands of one instance: the very objects the pipeline registered (it finds commands by
 * identity), so the scheduler and the CLI run what the API runs.
 */
export function backupJobCommands(config: BastionConfig): JobCommands {
  let commands = byConfig.get(config);
  if (!commands) {
    commands = makeJobCommands(config);
    byConfig.set(config, commands);
  }
  return commands;
}
