import type { Command } from 'commander';
import { backupHostOf } from '../../app/backup-host.js';
import type { Bastion } from '../../app/bastion.js';
import { backupDestinations, listBackups, runJob, type Reporter } from '../../modules/backup/index.js';
import type { VerbContext } from '../context.js';
import type { CliIo } from '../io.js';
import { CliError, ExitCode } from '../io.js';
import { withBastion } from '../open.js';
import { progressFor, type Progress } from '../progress.js';
import { run, table } from './users.js';

/** A bar per stage (snapshot, encrypting, copying ...), counted in bytes or objects as the stage reports. */
export function stagedProgress(io: CliIo): Reporter & { stop(): void } {
  let current: { stage: string; bar: Progress } | undefined;
  const report = ((stage: string, done: number, total: number) => {
    if (current?.stage !== stage) {
      current?.bar.stop();
      current = {
        stage,
        bar: progressFor(io, stage, Math.max(1, Math.floor(total / 10)), total > 1000 ? 'bytes' : 'steps'),
      };
    }
    current.bar.update(done, total);
  }) as Reporter & { stop(): void };
  report.stop = () => current?.bar.stop();
  return report;
}

interface Accepted {
  jobId: string;
}

/** Claims the job as the console (authorized, audited), then runs it in this process with progress. */
async function runHere(
  ctx: VerbContext,
  bastion: Bastion,
  command: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { jobId } = await run<Accepted>(bastion, command, input);
  const progress = stagedProgress(ctx.io);
  try {
    return await runJob(backupHostOf(bastion), jobId, progress);
  } finally {
    progress.stop();
    // No checkpoint here: the backup ends at the checkpoint signed (and witnessed off-host) just before its
    // snapshot. The records of its outcome are signed at the next checkpoint (the server's timer or start),
    // so a disaster right after a backup restores a log that verifies against the off-host witness.
    await bastion.audit.settled();
  }
}

const failedOr = (result: Record<string, unknown>) => (result.status === 'succeeded' ? ExitCode.ok : ExitCode.failure);

export async function backupRunVerb(ctx: VerbContext): Promise<number> {
  return withBastion(ctx, 'backup.run', async (bastion) => {
    const result = await runHere(ctx, bastion, 'backup.start', {});
    const copies = (result.destinations ?? []) as {
      destination: string;
      status: string;
      attempts: number;
      error?: string;
    }[];
    for (const line of table(
      ['DESTINATION', 'STATUS', 'ATTEMPTS', 'ERROR'],
      copies.map((c) => [c.destination, c.status, String(c.attempts), c.error ?? '']),
    ))
      ctx.print(line);
    if (result.status === 'succeeded')
      ctx.print(
        `backup ${String(result.backupId)} written to ${String(result.written)} of ${copies.length} destinations (quorum ${String(result.quorum)})`,
      );
    else ctx.io.stderr.write(`bastion: backup failed: ${String(result.error)}\n`);
    return failedOr(result);
  });
}

/**
 * What a destination holds, read from the destination itself: works with the database gone (the first step
 * of a disaster recovery), since it needs only the configuration.
 */
async function listAtDestination(ctx: VerbContext, name: string, options: { json?: boolean; newest?: boolean }) {
  await ctx.authorize('backup.read');
  const destination = backupDestinations(ctx.config).find((d) => d.name === name);
  if (!destination) throw new CliError(`no backup destination is named "${name}"`, ExitCode.config);
  const { complete, incomplete } = await listBackups(destination);
  if (options.newest) {
    if (complete[0] === undefined) throw new CliError(`${name} holds no complete backup`, ExitCode.failure);
    return ctx.print(complete[0]);
  }
  if (options.json) return ctx.print(JSON.stringify({ destination: name, complete, incomplete }, null, 2));
  for (const id of complete) ctx.print(id);
  for (const id of incomplete) ctx.print(`${id} (incomplete: no manifest)`);
}

export async function backupListVerb(
  ctx: VerbContext,
  options: { json?: boolean; from?: string; newest?: boolean },
): Promise<void> {
  if (options.from !== undefined) return listAtDestination(ctx, options.from, options);
  if (options.newest) throw new CliError('--newest needs --from <destination>', ExitCode.usage);
  const jobs = await withBastion(ctx, 'backup.read', (bastion) =>
    bastion.storage.db
      .selectFrom('backup_jobs')
      .leftJoin('backup_sets', 'backup_sets.id', 'backup_jobs.backup_id')
      .select([
        'backup_jobs.id',
        'backup_jobs.backup_id',
        'backup_jobs.status',
        'backup_jobs.requested_at',
        'backup_jobs.error',
        'backup_sets.bytes',
        'backup_sets.tree_size',
      ])
      .where('backup_jobs.kind', '=', 'backup')
      .orderBy('backup_jobs.requested_at', 'desc')
      .limit(200)
      .execute(),
  );
  if (options.json) return ctx.print(JSON.stringify(jobs, null, 2));
  const rows = jobs.map((j) => [
    j.backup_id ?? '-',
    j.status,
    new Date(Number(j.requested_at)).toISOString(),
    j.bytes === null ? '-' : String(j.bytes),
    j.tree_size === null ? '-' : String(j.tree_size),
    j.error ?? '',
  ]);
  for (const line of table(['BACKUP', 'STATUS', 'STARTED', 'BYTES', 'AUDIT RECORDS', 'ERROR'], rows)) ctx.print(line);
}

async function simpleJob(ctx: VerbContext, permission: string, command: string, input: Record<string, unknown>) {
  return withBastion(ctx, permission, async (bastion) => {
    const result = await runHere(ctx, bastion, command, input);
    ctx.print(JSON.stringify(result, null, 2));
    if (result.status !== 'succeeded')
      ctx.io.stderr.write(
        `bastion: ${command.replace('backup.', '')} failed: ${typeof result.error === 'string' ? result.error : 'see the report above'}\n`,
      );
    return failedOr(result);
  });
}

export const backupVerifyVerb = (ctx: VerbContext, backupId: string, options: { destination?: string }) =>
  simpleJob(ctx, 'backup.verify', 'backup.verify', {
    backupId,
    ...(options.destination !== undefined ? { destination: options.destination } : {}),
  });
export const backupPruneVerb = (ctx: VerbContext) => simpleJob(ctx, 'backup.prune', 'backup.prune', {});
export const backupDrillVerb = (ctx: VerbContext, options: { destination?: string }) =>
  simpleJob(
    ctx,
    'backup.drill',
    'backup.drill',
    options.destination !== undefined ? { destination: options.destination } : {},
  );

export function requireBackupId(text: string): string {
  if (!/^\d{8}T\d{6}Z-[0-9a-f]{8}$/.test(text))
    throw new CliError(`BACKUP must be a backup ID such as 20261201T120000Z-0a1b2c3d, got "${text}"`, ExitCode.usage);
  return text;
}

export function addBackupVerbs(program: Command, context: () => VerbContext, setExit: (code: number) => void): Command {
  const backup = program.command('backup').description('Take, list, verify, prune and drill encrypted backups');
  backup
    .command('run')
    .description('Take a backup now and copy it to every destination (progress on standard error)')
    .action(async () => setExit(await backupRunVerb(context())));
  backup
    .command('list')
    .description('List the backups taken (from the history), or those a destination holds (--from), newest first')
    .option('--from <name>', 'list what this destination holds (works without the database)')
    .option('--newest', 'with --from: print only the ID of the newest complete backup')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean; from?: string; newest?: boolean }) => backupListVerb(context(), options));
  backup
    .command('verify')
    .description('Check a stored backup at every destination: manifest signature, size and SHA-256 of every part')
    .argument('<BACKUP>', 'the backup ID')
    .option('--destination <name>', 'only this destination')
    .action(async (id: string, options: { destination?: string }) =>
      setExit(await backupVerifyVerb(context(), requireBackupId(id), options)),
    );
  backup
    .command('prune')
    .description('Remove the backups the retention rules no longer keep')
    .action(async () => setExit(await backupPruneVerb(context())));
  backup
    .command('drill')
    .description(
      'Restore the newest backup of each destination into a sandbox and check it (needs backup.identityFile)',
    )
    .option('--destination <name>', 'only this destination')
    .action(async (options: { destination?: string }) => setExit(await backupDrillVerb(context(), options)));
  return backup;
}
