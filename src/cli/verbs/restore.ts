import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { takeDataDir } from '../../app/data-dir-lock.js';
import { keysDir, loadPublicKey } from '../../kernel/keys/key-store.js';
import { PUBLIC_KEY_FILE } from '../../modules/audit/index.js';
import {
  BACKUP_PUBLIC_KEY_FILE,
  backupDestinations,
  checkRestored,
  generateBackupIdentity,
  offHostWitnesses,
  readIdentityFile,
  readManifest,
  restoreBackup,
} from '../../modules/backup/index.js';
import type { BackupDestination } from '../../modules/backup/index.js';
import type { VerbContext } from '../context.js';
import { CliError, ExitCode } from '../io.js';
import { requireBackupId, stagedProgress } from './backup.js';

interface RestoreOptions {
  into: string;
  databaseUrl?: string;
  from?: string;
  identity?: string;
  publicKey?: string;
  force?: boolean;
  json?: boolean;
}

function publicKeyOf(ctx: VerbContext, file: string | undefined) {
  const path = file ?? join(keysDir(ctx.config.dataDir), BACKUP_PUBLIC_KEY_FILE);
  if (!existsSync(path))
    throw new CliError(
      `no backup public key at ${path}: give --public-key (the backup-signing.pub kept with the age identity)`,
      ExitCode.usage,
    );
  return loadPublicKey(path);
}

/** The destination asked for, or the first (in configured order) that holds a valid manifest of the backup. */
async function sourceOf(
  ctx: VerbContext,
  id: string,
  from: string | undefined,
  publicKey: ReturnType<typeof loadPublicKey>,
) {
  const destinations = backupDestinations(ctx.config);
  const candidates: BackupDestination[] =
    from === undefined ? destinations : destinations.filter((d) => d.name === from);
  if (candidates.length === 0)
    throw new CliError(
      from === undefined
        ? 'no backup destination is configured (backup.destinations)'
        : `no backup destination is named "${from}"`,
      ExitCode.config,
    );
  const reasons: string[] = [];
  for (const destination of candidates) {
    try {
      return { destination, manifest: await readManifest(destination, id, publicKey) };
    } catch (error) {
      reasons.push(`${destination.name}: ${error instanceof Error ? error.message : 'unreadable'}`);
    }
  }
  throw new CliError(`backup ${id} cannot be read: ${reasons.join('; ')}`, ExitCode.failure);
}

/**
 * `bastion restore BACKUP --into DIR`: needs no working Bastion (the database may be gone), only the
 * configuration (destinations), the age identity and the backup public key. Every digest and the signature
 * are checked before anything is written; then integrity, row counts and the audit log, against the
 * checkpoints in the backup and the newest off-host witness it can reach.
 */
export async function restoreVerb(ctx: VerbContext, idText: string, options: RestoreOptions): Promise<number> {
  await ctx.authorize('backup.restore');
  const id = requireBackupId(idText);
  const identityFile = options.identity ?? ctx.config.backup.identityFile;
  if (identityFile === undefined)
    throw new CliError('give --identity (the age identity file the backups are encrypted to)', ExitCode.usage);
  const publicKey = publicKeyOf(ctx, options.publicKey);
  const { destination, manifest } = await sourceOf(ctx, id, options.from, publicKey);
  const progress = stagedProgress(ctx.io);
  try {
    await restoreBackup({
      destination,
      id,
      publicKey,
      identity: readIdentityFile(identityFile),
      into: options.into,
      ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
      force: options.force === true,
      // Held for the whole restore: a Bastion running on `--into` refuses it, and none starts meanwhile.
      lock: takeDataDir,
      onProgress: progress,
    });
  } finally {
    progress.stop();
  }
  const outcome = await checkRestored({
    into: options.into,
    ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
    manifest,
    publicKey: loadPublicKey(join(keysDir(options.into), PUBLIC_KEY_FILE)),
    extraWitnesses: offHostWitnesses(ctx.config),
  });
  if (options.json) ctx.print(JSON.stringify({ backupId: id, from: destination.name, ...outcome }, null, 2));
  else {
    ctx.print(
      `restored backup ${id} from ${destination.name} into ${options.into}${options.databaseUrl !== undefined ? ' and the given database' : ''}`,
    );
    for (const check of outcome.checks) ctx.print(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  }
  if (outcome.ok) return ExitCode.ok;
  const auditFailed = outcome.checks.some((c) => !c.ok && c.name.startsWith('audit'));
  ctx.io.stderr.write(`bastion: the restored data did not pass every check (see above)\n`);
  return auditFailed ? ExitCode.auditInvalid : ExitCode.failure;
}

/** `bastion backup keygen --out FILE`: an age identity (0600, never overwritten); its recipient goes to backup.recipients. */
export async function keygenVerb(ctx: VerbContext, options: { out: string }): Promise<void> {
  await ctx.authorize('backup.run');
  if (existsSync(options.out)) throw new CliError(`${options.out} exists; it is never overwritten`, ExitCode.failure);
  const { identity, recipient } = await generateBackupIdentity();
  const text = `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${identity}\n`;
  writeFileSync(options.out, text, { mode: 0o600, flag: 'wx' });
  ctx.print(`age identity written to ${options.out} (keep it OFF this server, with keys/${BACKUP_PUBLIC_KEY_FILE})`);
  ctx.print(`recipient for backup.recipients: ${recipient}`);
}

export function addRestoreVerb(program: Command, context: () => VerbContext, setExit: (code: number) => void): void {
  program
    .command('restore')
    .description('Restore a backup into a data directory (and a PostgreSQL database), checking everything')
    .argument('<BACKUP>', 'the backup ID')
    .requiredOption('--into <dir>', 'the data directory to restore into (must be empty unless --force)')
    .option('--database-url <url>', 'PostgreSQL backups: the database to restore into (must be empty unless --force)')
    .option('--from <name>', 'the destination to read from (default: the first that holds the backup)')
    .option('--identity <file>', 'the age identity file (default: backup.identityFile)')
    .option('--public-key <file>', 'the backup signing public key (default: keys/backup-signing.pub)')
    .option('--force', 'restore over existing data (never over a running Bastion)')
    .option('--json', 'print the checks as JSON')
    .action(async (id: string, options: RestoreOptions) => setExit(await restoreVerb(context(), id, options)));
  const backup = program.commands.find((c) => c.name() === 'backup');
  backup
    ?.command('keygen')
    .description('Make an age identity for backups and print its recipient')
    .requiredOption('--out <file>', 'where to write the identity (mode 0600)')
    .action(async (options: { out: string }) => keygenVerb(context(), options));
}
