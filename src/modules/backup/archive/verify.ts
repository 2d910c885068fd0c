import type { KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { DestinationError, type BackupDestination } from '../destinations/destination.js';
import { BackupInvalidError, type BackupProblem } from './errors.js';
import { BACKUP_ID, type ManifestPart, type Progress } from './format.js';
import { readManifest } from './manifest.js';
import { Meter } from './meter.js';

export interface BackupVerification {
  ok: boolean;
  problems: BackupProblem[];
}

/** Compares what was read with the manifest's size and digest of the stored object; undefined when they agree. */
export function partProblem(part: ManifestPart, meter: Meter, sha256 = meter.digest()): BackupProblem | undefined {
  if (meter.size !== part.size)
    return {
      part: part.name,
      kind: 'size',
      message: `${part.key} holds ${meter.size} bytes, the manifest says ${part.size}`,
    };
  if (sha256 !== part.sha256)
    return { part: part.name, kind: 'digest', message: `${part.key} does not match its SHA-256 in the manifest` };
  return undefined;
}

/** Streams a stored object through a meter into `sink` (a file, or nowhere); a missing object is a problem. */
export async function fetchPart(
  destination: BackupDestination,
  part: ManifestPart,
  sink: () => Writable,
): Promise<BackupProblem | undefined> {
  let stream: Readable;
  try {
    stream = await destination.get(part.key);
  } catch (error) {
    if (error instanceof DestinationError && error.notFound)
      return { part: part.name, kind: 'missing-part', message: `${part.key} is missing at ${destination.name}` };
    throw error;
  }
  const meter = new Meter();
  await pipeline(stream, meter, sink());
  return partProblem(part, meter);
}

const nowhere = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/** The manifest and every part as stored (size and SHA-256): no age identity needed, nothing written. */
export async function verifyBackup(
  destination: BackupDestination,
  id: string,
  publicKey: KeyObject,
  onProgress?: Progress,
): Promise<BackupVerification> {
  let parts: ManifestPart[];
  try {
    parts = (await readManifest(destination, id, publicKey)).parts;
  } catch (error) {
    if (error instanceof BackupInvalidError) return { ok: false, problems: [error.toProblem()] };
    throw error;
  }
  const problems: BackupProblem[] = [];
  for (const [index, part] of parts.entries()) {
    onProgress?.(`verify ${part.name}`, index, parts.length);
    const problem = await fetchPart(destination, part, nowhere);
    if (problem) problems.push(problem);
  }
  onProgress?.('verified', parts.length, parts.length);
  return { ok: problems.length === 0, problems };
}

export interface BackupListing {
  /** Backups with a manifest and its signature, newest first (not yet verified). */
  complete: string[];
  /** Backups with objects but no manifest: an upload that stopped, never to be restored from. */
  incomplete: string[];
}

export async function listBackups(destination: BackupDestination): Promise<BackupListing> {
  const byId = new Map<string, Set<string>>();
  for (const { key } of await destination.list('backups/')) {
    const [, id, name] = key.split('/');
    if (id === undefined || name === undefined || !BACKUP_ID.test(id)) continue;
    byId.set(id, (byId.get(id) ?? new Set()).add(name));
  }
  const ids = [...byId.keys()].sort().reverse();
  const complete = (id: string) => byId.get(id)!.has('manifest.json') && byId.get(id)!.has('manifest.sig');
  return { complete: ids.filter(complete), incomplete: ids.filter((id) => !complete(id)) };
}
