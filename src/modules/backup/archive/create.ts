import { createReadStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { systemClock, toIsoUtc, type Clock } from '../../../kernel/clock.js';
import { canonicalJson } from '../../../kernel/canonical-json.js';
import { effectiveDatabaseUrl } from '../../../kernel/config/database.js';
import { publicConfig } from '../../../kernel/config/load.js';
import type { BastionConfig } from '../../../kernel/config/schema.js';
import type { SigningKey } from '../../../kernel/keys/key-store.js';
import type { Dialect } from '../../../kernel/store.js';
import { collectFiles, filesStream } from './files-part.js';
import {
  BACKUP_FORMAT,
  newBackupId,
  partKey,
  type BackupManifest,
  type ManifestPart,
  type PartName,
} from './format.js';
import type { Progress, SnapshotState } from './format.js';
import { signManifest } from './manifest.js';
import { sealToFile, type SealedDigests } from './seal.js';
import { withPostgresSnapshot } from './snapshot-postgres.js';
import { sqliteSnapshotState, vacuumInto } from './snapshot-sqlite.js';

export interface BackupDeps {
  config: BastionConfig;
  /** The dialect of the running instance (app's Storage satisfies it); the snapshot uses its own connection. */
  storage: Dialect;
  signer: SigningKey;
  recipients: string[];
  /** Local witness directories (default: config.audit.witnessDirs, or `<dataDir>/witness`). */
  witnessDirs?: string[];
  version: string;
  clock?: Clock;
  /**
   * Runs just before the snapshot. The caller passes `() => audit.checkpointNow()` so the backed-up log ends
   * signed; this module cannot force a checkpoint itself (it holds no writer).
   */
  onBeforeSnapshot?: () => Promise<unknown>;
  onProgress?: Progress;
}

export interface StagedFile {
  key: string;
  path: string;
  size: number;
  sha256: string;
}

export interface StagedBackup {
  id: string;
  manifest: BackupManifest;
  /** The exact bytes to store as manifest.json (what the signature covers), and manifest.sig. */
  manifestBytes: Buffer;
  signature: Buffer;
  /** database.age and files.age, to upload before the manifest. */
  files: StagedFile[];
  dir: string;
  /** Removes the staging directory. */
  dispose(): void;
}

export const stagingRoot = (dataDir: string): string => join(dataDir, 'backups', 'staging');

const part = (id: string, name: PartName, digests: SealedDigests): ManifestPart => ({
  name,
  key: partKey(id, name),
  ...digests,
  compression: 'zstd',
  encryption: 'age',
});

/** Reports the bytes read from `stream` as they pass (a bar for the CLI), leaving the stream as it is. */
function counted(stream: Readable, deps: BackupDeps, stage: string, total: () => number): Readable {
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      done += chunk.length;
      deps.onProgress?.(stage, done, Math.max(total(), done));
      next(null, chunk);
    },
  });
  stream.on('error', (error) => counter.destroy(error));
  return stream.pipe(counter);
}

/** Snapshot, then each part compressed and encrypted into `dir`; the counts come from the snapshot itself. */
async function sealDatabase(deps: BackupDeps, dir: string, file: string) {
  const { config, recipients } = deps;
  if (deps.storage.dialect === 'postgres') {
    const databaseUrl = effectiveDatabaseUrl(config);
    if (databaseUrl === undefined) throw new Error('a PostgreSQL backup needs config.databaseUrl');
    return withPostgresSnapshot(databaseUrl, async (state, stdout: Readable) => {
      // A dump's size is known only at its end: the count of bytes so far is the progress.
      return {
        state,
        digests: await sealToFile(
          counted(stdout, deps, 'dumping', () => 0),
          recipients,
          file,
        ),
      };
    });
  }
  const snapshot = join(dir, 'snapshot.db');
  try {
    await vacuumInto(join(config.dataDir, 'bastion.db'), snapshot);
    const state: SnapshotState = await sqliteSnapshotState(snapshot);
    const total = statSync(snapshot).size;
    const source = counted(createReadStream(snapshot), deps, 'encrypting', () => total);
    return { state, digests: await sealToFile(source, recipients, file) };
  } finally {
    rmSync(snapshot, { force: true });
  }
}

/** Takes one backup into `<dataDir>/backups/staging/<id>/`; uploading it is the caller's (the runner's) job. */
export async function createBackup(deps: BackupDeps): Promise<StagedBackup> {
  const { config, clock = systemClock, onProgress } = deps;
  const at = clock.now();
  const id = newBackupId(at);
  const dir = join(stagingRoot(config.dataDir), id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    await deps.onBeforeSnapshot?.();
    onProgress?.('snapshot', 0, 2);
    const databaseFile = join(dir, 'database.age');
    const { state, digests } = await sealDatabase(deps, dir, databaseFile);
    onProgress?.('files', 1, 2);
    const witnessDirs = deps.witnessDirs ?? defaultWitnessDirs(config);
    const configJson = canonicalJson(publicConfig(config));
    const files = collectFiles({ dataDir: config.dataDir, witnessDirs, configJson, treeSize: state.audit.treeSize });
    const filesFile = join(dir, 'files.age');
    const filesDigests = await sealToFile(filesStream(files), deps.recipients, filesFile);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      id,
      createdAt: toIsoUtc(at),
      bastionVersion: deps.version,
      node: hostname(),
      dialect: deps.storage.dialect,
      ...state,
      parts: [part(id, 'database', digests), part(id, 'files', filesDigests)],
      recipients: [...deps.recipients],
      signer: deps.signer.keyId,
    };
    const { bytes, signature } = signManifest(manifest, deps.signer);
    onProgress?.('sealed', 2, 2);
    const staged = (p: ManifestPart, path: string) => ({ key: p.key, path, size: p.size, sha256: p.sha256 });
    return {
      id,
      manifest,
      manifestBytes: bytes,
      signature,
      files: [staged(manifest.parts[0]!, databaseFile), staged(manifest.parts[1]!, filesFile)],
      dir,
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}

function defaultWitnessDirs(config: BastionConfig): string[] {
  return config.audit.witnessDirs.length > 0 ? [...config.audit.witnessDirs] : [join(config.dataDir, 'witness')];
}
