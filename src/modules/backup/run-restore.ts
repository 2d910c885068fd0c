import { rmSync } from 'node:fs';
import { loadPublicKey } from '../../kernel/keys/key-store.js';
import { PUBLIC_KEY_FILE } from '../audit/index.js';
import { BACKUP_KEY_FILE, checkRestored, readIdentityFile, readManifest, restoreBackup } from './archive/index.js';
import type { BackupHost, Reporter } from './host.js';
import { restoreTarget } from './jobs.js';
import { scratchDatabase } from './sandbox.js';
import type { BastionConfig } from '../../kernel/config/schema.js';
import { recordOutcome } from './outcomes.js';
import { reasonOf } from './upload.js';

interface RestoreInput {
  backupId: string;
  target: string;
  destination?: string;
  force: boolean;
}

/** PostgreSQL: a database of the restore's own, named after the live one so two sites on one server never meet. */
function restoreDatabaseName(config: BastionConfig, target: string): string {
  const live = config.databaseUrl !== undefined ? new URL(config.databaseUrl).pathname.slice(1) : 'bastion';
  return `${live}_restore_${target.replaceAll('-', '_')}`.slice(0, 63);
}

/**
 * A restore asked for over the API: into `restores/<target>` below the data directory (a copy the operator
 * inspects or switches to), checked like a drill. The live log has moved on since the backup, so the off-host
 * witnesses are not asked: the copy is checked against the checkpoints it carries.
 */
export async function runRestore(host: BackupHost, jobId: string, input: RestoreInput, report: Reporter) {
  const { config, keys } = host.context;
  const into = restoreTarget(config, input.target);
  let outcome: { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] } | undefined;
  let error: string | undefined;
  try {
    if (config.backup.identityFile === undefined)
      throw new Error('backup.identityFile is not set: the server cannot decrypt');
    const destination = host.destinations.find((d) => d.name === (input.destination ?? host.destinations[0]?.name));
    if (!destination) throw new Error('no such destination');
    const publicKey = keys.load(BACKUP_KEY_FILE).publicKey;
    const manifest = await readManifest(destination, input.backupId, publicKey);
    if (input.force) rmSync(into, { recursive: true, force: true });
    const databaseUrl =
      manifest.dialect === 'postgres'
        ? await scratchDatabase(config, restoreDatabaseName(config, input.target), input.force)
        : undefined;
    await restoreBackup({
      destination,
      id: input.backupId,
      publicKey,
      identity: readIdentityFile(config.backup.identityFile),
      into,
      ...(databaseUrl !== undefined ? { databaseUrl } : {}),
      force: false,
      onProgress: report,
    });
    const checked = await checkRestored({
      into,
      ...(databaseUrl !== undefined ? { databaseUrl } : {}),
      manifest,
      publicKey: loadPublicKey(keys.file(PUBLIC_KEY_FILE)),
    });
    outcome = checked;
    if (!checked.ok)
      error = `checks failed: ${checked.checks
        .filter((c) => !c.ok)
        .map((c) => c.name)
        .join(', ')}`;
  } catch (cause) {
    error = reasonOf(cause);
  }
  const result = { target: input.target, backupId: input.backupId, checks: outcome?.checks ?? [] };
  await recordOutcome(host.context.commands, {
    jobId,
    status: error === undefined ? 'succeeded' : 'failed',
    result,
    ...(error !== undefined ? { error } : {}),
  });
  return { status: error === undefined ? 'succeeded' : 'failed', ...result, ...(error !== undefined ? { error } : {}) };
}
