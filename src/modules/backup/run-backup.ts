import { sha256Hex } from '../../kernel/digest.js';
import { allCheckpoints } from '../audit/index.js';
import { BACKUP_KEY_FILE, backupSigner, createBackup, verifyBackup } from './archive/index.js';
import type { BackupDestination } from './destinations/destination.js';
import type { BackupHost, Reporter } from './host.js';
import { dbOf } from './db.js';
import { recordOutcome } from './outcomes.js';
import { copyBetween, copyTo, reasonOf, type CopyResult, type Outgoing } from './upload.js';
import { DestinationWitness } from './witness.js';
import type { Static } from '@sinclair/typebox';
import type { copyOutcome } from './outcomes.js';

type Copy = { backupId: string; copy: Static<typeof copyOutcome> };

export const backupPrefix = (id: string) => `backups/${id}/`;

/** The quorum in force: the configured one, or every destination; never more than there are. */
export function quorumOf(host: BackupHost): number {
  const count = host.destinations.length;
  return Math.min(host.context.config.backup.quorum ?? count, count);
}

/**
 * A backup job: first the copies earlier runs could not make (retried from a destination that holds them),
 * the off-host witnesses brought up to date, then a new backup, staged once and copied to every destination
 * in parallel. It succeeds when the quorum of destinations holds it; every destination's outcome is recorded.
 */
export async function runBackup(host: BackupHost, jobId: string, report: Reporter): Promise<Record<string, unknown>> {
  const { context } = host;
  const config = context.config;
  const earlier = await catchUp(host);
  await syncWitnesses(host);
  let staged: Awaited<ReturnType<typeof createBackup>> | undefined;
  try {
    staged = await createBackup({
      config,
      storage: context.dialect,
      signer: backupSigner(config.dataDir),
      recipients: [...config.backup.recipients],
      version: host.version,
      // The log a backup holds ends signed, and that checkpoint is off-host before the snapshot is taken: a
      // restore of this backup then verifies against the off-host witness.
      onBeforeSnapshot: async () => {
        await host.checkpointNow();
        await host.auditSettled();
      },
      onProgress: report,
    });
  } catch (error) {
    await record(host, jobId, 'failed', { copies: earlier }, reasonOf(error));
    return { status: 'failed', error: reasonOf(error) };
  }
  try {
    const id = staged.id;
    const objects = outgoing(staged);
    const total = objects.reduce((sum, o) => sum + o.size, 0) * host.destinations.length;
    let sent = 0;
    const results = await Promise.all(
      host.destinations.map((d) =>
        copyTo(d, objects, config.backup.attempts, (bytes) => report('copying', (sent += bytes), total)),
      ),
    );
    const written = results.filter((r) => r.status === 'written').length;
    const quorum = quorumOf(host);
    const ok = written >= quorum;
    const error = ok
      ? undefined
      : `reached ${written} of ${host.destinations.length} destinations; the quorum is ${quorum}`;
    const bytes = staged.files.reduce((sum, f) => sum + f.size, 0);
    const copies = [...earlier, ...results.map((copy) => ({ backupId: id, copy: copyOf(copy) }))];
    const result = { backupId: id, bytes, written, quorum, treeSize: staged.manifest.audit.treeSize };
    await recordOutcome(host.context.commands, {
      jobId,
      status: ok ? 'succeeded' : 'failed',
      ...(error !== undefined ? { error } : {}),
      result,
      ...(written > 0
        ? {
            backup: {
              id,
              createdAt: Date.parse(staged.manifest.createdAt),
              treeSize: staged.manifest.audit.treeSize,
              bytes,
              manifestSha256: sha256Hex(staged.manifestBytes),
              dialect: staged.manifest.dialect,
            },
          }
        : {}),
      copies,
    });
    return {
      status: ok ? 'succeeded' : 'failed',
      ...result,
      destinations: results,
      ...(error !== undefined ? { error } : {}),
    };
  } finally {
    staged.dispose();
  }
}

function outgoing(staged: Awaited<ReturnType<typeof createBackup>>): Outgoing[] {
  const prefix = backupPrefix(staged.id);
  const keyOf = (key: string) => (key.startsWith(prefix) ? key : `${prefix}${key}`);
  return [
    ...staged.files.map((f) => ({ key: keyOf(f.key), path: f.path, size: f.size })),
    { key: `${prefix}manifest.sig`, data: staged.signature, size: staged.signature.length },
    { key: `${prefix}manifest.json`, data: staged.manifestBytes, size: staged.manifestBytes.length },
  ];
}

const copyOf = (r: CopyResult) => ({
  destination: r.destination,
  status: r.status,
  attempts: r.attempts,
  bytes: r.bytes,
  ...(r.error !== undefined ? { error: r.error } : {}),
});

async function record(
  host: BackupHost,
  jobId: string,
  status: 'succeeded' | 'failed',
  extra: { copies?: Copy[] },
  error?: string,
): Promise<void> {
  await recordOutcome(host.context.commands, {
    jobId,
    status,
    result: {},
    ...(error !== undefined ? { error } : {}),
    ...extra,
  });
}

/**
 * Copies that failed earlier are made now from a destination that holds the backup, and read back there
 * (signature and digests) before they count as written.
 */
export async function catchUp(host: BackupHost): Promise<Copy[]> {
  const db = dbOf(host);
  const failed = await db
    .selectFrom('backup_copies')
    .select(['backup_id', 'destination'])
    .where('status', '=', 'failed')
    .orderBy('backup_id')
    .execute();
  const out: Copy[] = [];
  const byName = new Map(host.destinations.map((d) => [d.name, d]));
  const publicKey = host.context.keys.load(BACKUP_KEY_FILE).publicKey;
  for (const { backup_id: backupId, destination } of failed) {
    const target = byName.get(destination);
    const source = await sourceOf(host, backupId, destination);
    if (!target || !source) continue;
    const keys = await source.list(backupPrefix(backupId));
    const ordered = [
      ...keys.filter((k) => !k.key.includes('/manifest.')),
      ...keys.filter((k) => k.key.includes('/manifest.')),
    ];
    const copy = await copyBetween(source, target, ordered, host.context.config.backup.attempts);
    if (copy.status === 'written') {
      const check = await verifyBackup(target, backupId, publicKey);
      if (!check.ok) Object.assign(copy, { status: 'failed', error: 'the copy does not verify at the destination' });
    }
    out.push({ backupId, copy: copyOf(copy) });
  }
  return out;
}

async function sourceOf(host: BackupHost, backupId: string, except: string): Promise<BackupDestination | undefined> {
  const holders = await dbOf(host)
    .selectFrom('backup_copies')
    .select('destination')
    .where('backup_id', '=', backupId)
    .where('status', '=', 'written')
    .execute();
  const names = new Set(holders.map((h) => h.destination));
  return host.destinations.find((d) => d.name !== except && names.has(d.name));
}

/** Every checkpoint the database holds and an off-host witness lacks (it was down, or added later) is written. */
export async function syncWitnesses(host: BackupHost): Promise<void> {
  if (host.witnesses.length === 0) return;
  const checkpoints = await allCheckpoints(dbOf(host));
  for (const witness of host.witnesses) {
    if (!(witness instanceof DestinationWitness)) continue;
    try {
      const held = new Set(await witness.heldSizes());
      for (const cp of checkpoints)
        if (!held.has(cp.treeSize))
          await witness.record({ treeSize: cp.treeSize, body: cp.body, signature: cp.signature });
    } catch (error) {
      host.context.logger.warn(
        { witness: witness.name, reason: reasonOf(error) },
        'off-host witness not brought up to date',
      );
    }
  }
}
