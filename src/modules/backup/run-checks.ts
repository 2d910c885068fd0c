import type { Static } from '@sinclair/typebox';
import { BACKUP_KEY_FILE, listBackups, verifyBackup } from './archive/index.js';
import type { BackupDestination } from './destinations/destination.js';
import type { BackupHost, Reporter } from './host.js';
import { recordOutcome, type copyOutcome } from './outcomes.js';
import { retained } from './retention.js';
import { backupPrefix } from './run-backup.js';
import { reasonOf } from './upload.js';

/** Every destination, or the one named. */
export function chosen(host: BackupHost, name?: string): BackupDestination[] {
  return name === undefined ? host.destinations : host.destinations.filter((d) => d.name === name);
}

/** The time a backup ID names (`YYYYMMDDTHHMMSSZ-…`), epoch milliseconds. */
export function createdAtOf(id: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  if (!m) return 0;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Reads a stored backup back at each destination: manifest signature, size and SHA-256 of every part. */
export async function runVerify(
  host: BackupHost,
  jobId: string,
  input: { backupId: string; destination?: string },
  report: Reporter,
): Promise<Record<string, unknown>> {
  const publicKey = host.context.keys.load(BACKUP_KEY_FILE).publicKey;
  const destinations = chosen(host, input.destination);
  const outcomes = [];
  for (const [index, destination] of destinations.entries()) {
    report('verifying', index, destinations.length);
    try {
      const check = await verifyBackup(destination, input.backupId, publicKey);
      outcomes.push({ destination: destination.name, ok: check.ok, problems: check.problems.map((p) => p.message) });
    } catch (error) {
      outcomes.push({ destination: destination.name, ok: false, problems: [reasonOf(error)] });
    }
  }
  report('verifying', destinations.length, destinations.length);
  const ok = outcomes.every((o) => o.ok);
  const result = { backupId: input.backupId, destinations: outcomes };
  const error = ok
    ? undefined
    : `the backup does not verify at ${outcomes
        .filter((o) => !o.ok)
        .map((o) => o.destination)
        .join(', ')}`;
  await recordOutcome(host.context.commands, {
    jobId,
    status: ok ? 'succeeded' : 'failed',
    result,
    ...(error !== undefined ? { error } : {}),
  });
  return { status: ok ? 'succeeded' : 'failed', ...result, ...(error !== undefined ? { error } : {}) };
}

/** Incomplete backups (no manifest) older than this are leftovers of a run that died, and are removed. */
const INCOMPLETE_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Applies the retention rules to the backups of all destinations together (one backup is one set of copies),
 * removing at each destination what they no longer keep: the manifest first, so a backup half removed reads as
 * incomplete rather than as a damaged complete one. Object-locked copies stay and are reported.
 */
export async function runPrune(host: BackupHost, jobId: string, report: Reporter): Promise<Record<string, unknown>> {
  const { config, clock } = host.context;
  const listed = await Promise.all(
    host.destinations.map(async (d) => ({ d, list: await listBackups(d).catch(() => undefined) })),
  );
  const all = new Set(listed.flatMap(({ list }) => list?.complete ?? []));
  const { remove } = retained(
    [...all].map((id) => ({ id, createdAt: createdAtOf(id) })),
    config.backup.retention,
  );
  const copies: { backupId: string; copy: Static<typeof copyOutcome> }[] = [];
  const problems: string[] = [];
  let done = 0;
  for (const { d, list } of listed) {
    if (!list) {
      problems.push(`${d.name}: could not be listed`);
      continue;
    }
    const doomed = [
      ...list.complete.filter((id) => remove.includes(id)),
      ...list.incomplete.filter((id) => clock.now() - createdAtOf(id) > INCOMPLETE_GRACE_MS),
    ];
    for (const id of doomed) {
      report('pruning', done++, doomed.length);
      try {
        const keys = (await d.list(backupPrefix(id))).map((o) => o.key);
        const manifestFirst = [
          ...keys.filter((k) => k.endsWith('/manifest.json')),
          ...keys.filter((k) => !k.endsWith('/manifest.json')),
        ];
        for (const key of manifestFirst) await d.delete(key);
        copies.push({ backupId: id, copy: { destination: d.name, status: 'removed', attempts: 1, bytes: 0 } });
      } catch (error) {
        problems.push(`${d.name}: ${id} kept: ${reasonOf(error)}`);
      }
    }
  }
  const result = { kept: all.size - remove.length, removed: copies.length, problems };
  const error = problems.length > 0 ? problems.join('; ').slice(0, 1000) : undefined;
  await recordOutcome(host.context.commands, {
    jobId,
    status: error === undefined ? 'succeeded' : 'failed',
    result,
    copies,
    ...(error !== undefined ? { error } : {}),
  });
  return { status: error === undefined ? 'succeeded' : 'failed', ...result, ...(error !== undefined ? { error } : {}) };
}
