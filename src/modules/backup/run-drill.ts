import type { Static } from '@sinclair/typebox';
import { loadPublicKey } from '../../kernel/keys/key-store.js';
import { PUBLIC_KEY_FILE } from '../audit/index.js';
import {
  BACKUP_KEY_FILE,
  checkRestored,
  listBackups,
  readIdentityFile,
  readManifest,
  restoreBackup,
} from './archive/index.js';
import type { BackupDestination } from './destinations/destination.js';
import type { BackupHost, Reporter } from './host.js';
import { recordOutcome, type drillOutcome } from './outcomes.js';
import { chosen } from './run-checks.js';
import { openSandbox } from './sandbox.js';
import { reasonOf } from './upload.js';

type Drill = Static<typeof drillOutcome>;

/**
 * A restore drill: the newest backup of each destination is restored into a sandbox nobody uses and checked
 * as a real restore would be (signature, digests, integrity, row counts, audit chain). RPO achieved: how old
 * that backup was; RTO achieved: how long restoring and checking it took.
 */
export async function runDrill(
  host: BackupHost,
  jobId: string,
  input: { destination?: string },
  report: Reporter,
): Promise<Record<string, unknown>> {
  const destinations = chosen(host, input.destination);
  const drills: Drill[] = [];
  for (const [index, destination] of destinations.entries()) {
    report('drilling', index, destinations.length);
    drills.push(await drillOne(host, destination));
  }
  report('drilling', destinations.length, destinations.length);
  const failed = drills.filter((d) => d.status === 'failed');
  const error = failed.length > 0 ? `the drill failed at ${failed.map((d) => d.destination).join(', ')}` : undefined;
  const result = { drills: drills.map(({ checks: _checks, ...rest }) => rest) };
  await recordOutcome(host.context.commands, {
    jobId,
    status: error === undefined ? 'succeeded' : 'failed',
    result,
    drills,
    ...(error !== undefined ? { error } : {}),
  });
  return { status: error === undefined ? 'succeeded' : 'failed', drills };
}

async function drillOne(host: BackupHost, destination: BackupDestination): Promise<Drill> {
  const { config, clock, keys } = host.context;
  const startedAt = clock.now();
  const failed = (backupId: string | null, error: string, checks: Drill['checks'] = []): Drill => ({
    destination: destination.name,
    backupId,
    status: 'failed',
    startedAt,
    finishedAt: clock.now(),
    rpoMs: null,
    rtoMs: null,
    checks,
    error: error.slice(0, 500),
  });
  if (config.backup.identityFile === undefined)
    return failed(null, 'backup.identityFile is not set: a drill cannot decrypt a backup');
  let backupId: string | null = null;
  try {
    const listed = await listBackups(destination);
    backupId = listed.complete[0] ?? null;
    if (backupId === null) return failed(null, 'the destination holds no complete backup');
    const publicKey = keys.load(BACKUP_KEY_FILE).publicKey;
    const manifest = await readManifest(destination, backupId, publicKey);
    const sandbox = await openSandbox(config, manifest.dialect);
    try {
      await restoreBackup({
        destination,
        id: backupId,
        publicKey,
        identity: readIdentityFile(config.backup.identityFile),
        into: sandbox.dir,
        ...(sandbox.databaseUrl !== undefined ? { databaseUrl: sandbox.databaseUrl } : {}),
        force: false,
      });
      const outcome = await checkRestored({
        into: sandbox.dir,
        ...(sandbox.databaseUrl !== undefined ? { databaseUrl: sandbox.databaseUrl } : {}),
        manifest,
        publicKey: loadPublicKey(keys.file(PUBLIC_KEY_FILE)),
      });
      const finishedAt = clock.now();
      const checks = outcome.checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail.slice(0, 1000) }));
      if (!outcome.ok)
        return failed(
          backupId,
          `checks failed: ${checks
            .filter((c) => !c.ok)
            .map((c) => c.name)
            .join(', ')}`,
          checks,
        );
      return {
        destination: destination.name,
        backupId,
        status: 'passed',
        startedAt,
        finishedAt,
        rpoMs: Math.max(0, startedAt - Date.parse(manifest.createdAt)),
        rtoMs: finishedAt - startedAt,
        checks,
      };
    } finally {
      await sandbox.dispose();
    }
  } catch (error) {
    return failed(backupId, reasonOf(error));
  }
}
