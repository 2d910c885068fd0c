import type { KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { pgClientConfig } from '../../../storage/postgres-tls.js';
import type { BackupDestination } from '../destinations/destination.js';
import { BackupInvalidError, RestoreRefusedError } from './errors.js';
import type { BackupManifest, ManifestPart, PartName, Progress } from './format.js';
import { parseFilesPart, writeFiles } from './files-part.js';
import { dataDirHolders } from './in-use.js';
import { readAll, readManifest } from './manifest.js';
import { exitOf, runTool } from './postgres-tools.js';
import { decryptPart } from './decrypt.js';
import { fetchPart } from './verify.js';

export interface RestoreOptions {
  destination: BackupDestination;
  id: string;
  publicKey: KeyObject;
  /** An age identity (AGE-SECRET-KEY-1…), e.g. from readIdentityFile. */
  identity: string;
  /** The data directory to restore into (made if absent). */
  into: string;
  /** PostgreSQL backups: the database to restore into. */
  databaseUrl?: string;
  force?: boolean;
  /**
   * Held for the whole restore, e.g. app's takeDataDir (refuses while a Bastion uses `into`, and keeps one
   * from starting meanwhile). Whether or not it is given, a live holder of `into`'s locks is refused.
   */
  lock?: (dataDir: string) => { release(): void };
  onProgress?: Progress;
}

async function postgresHasTables(url: string): Promise<boolean> {
  const client = new pg.Client(pgClientConfig(url));
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`,
    );
    return Number(rows[0]?.n ?? 0) > 0;
  } finally {
    await client.end();
  }
}

/** Every refusal before anything is written: a refused restore leaves `into` and the database as they were. */
async function refuseUnsafe(options: RestoreOptions, manifest: BackupManifest): Promise<void> {
  const { into, force = false, databaseUrl } = options;
  const holders = dataDirHolders(into);
  if (holders.length > 0)
    throw new RestoreRefusedError(`${into} is in use by a running Bastion (pid ${holders.join(', ')}); stop it first`);
  if (manifest.dialect === 'postgres' && databaseUrl === undefined)
    throw new RestoreRefusedError(
      `backup ${manifest.id} is of a PostgreSQL database: give the database URL to restore into`,
    );
  if (force) return;
  if (manifest.dialect === 'sqlite' && existsSync(join(into, 'bastion.db')))
    throw new RestoreRefusedError(`${into} already holds a database (bastion.db); restore with force to replace it`);
  if (existsSync(join(into, 'keys')))
    throw new RestoreRefusedError(`${into} already holds keys/; restore with force to replace them`);
  if (manifest.dialect === 'postgres' && (await postgresHasTables(databaseUrl!)))
    throw new RestoreRefusedError(
      'the target PostgreSQL database already has tables; restore with force to replace them',
    );
}

/** Downloads a part, checking its stored digest, then decrypts it into `plainFile`, checking the plain digest. */
async function stagePart(options: RestoreOptions, part: ManifestPart, staging: string, plainFile: string) {
  const sealed = join(staging, `${part.name}.age`);
  const problem = await fetchPart(options.destination, part, () => createWriteStream(sealed, { mode: 0o600 }));
  if (problem) throw new BackupInvalidError(problem.kind, `backup ${options.id}: ${problem.message}`, part.name);
  await decryptPart(part, sealed, options.identity, plainFile);
  rmSync(sealed, { force: true });
}

async function restoreDatabase(options: RestoreOptions, manifest: BackupManifest, plain: string): Promise<void> {
  if (manifest.dialect === 'sqlite') {
    const target = join(options.into, 'bastion.db');
    for (const stale of [`${target}-wal`, `${target}-shm`, `${target}-journal`]) rmSync(stale, { force: true });
    renameSync(plain, target);
    return;
  }
  const clean = options.force ? ['--clean', '--if-exists'] : [];
  const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', ...clean, plain];
  await exitOf(runTool('pg_restore', args, options.databaseUrl!), 'pg_restore');
}

const partOf = (manifest: BackupManifest, name: PartName) => manifest.parts.find((p) => p.name === name)!;

/**
 * Restores backup `id` into a data directory (and a PostgreSQL database): everything is downloaded, checked
 * against the signed manifest and decrypted in a staging folder first, so a damaged backup changes nothing.
 */
export async function restoreBackup(options: RestoreOptions): Promise<BackupManifest> {
  const { into, onProgress } = options;
  const manifest = await readManifest(options.destination, options.id, options.publicKey);
  await refuseUnsafe(options, manifest);
  mkdirSync(into, { recursive: true, mode: 0o700 });
  const lock = options.lock?.(into);
  const staging = join(into, `.restore-${manifest.id}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  try {
    onProgress?.('download', 0, 3);
    const database = join(staging, 'database.plain');
    const files = join(staging, 'files.json');
    await stagePart(options, partOf(manifest, 'database'), staging, database);
    await stagePart(options, partOf(manifest, 'files'), staging, files);
    const filesPart = parseFilesPart((await readAll(createReadStream(files), 1 << 30)).toString('utf8'));
    onProgress?.('restore', 2, 3);
    await restoreDatabase(options, manifest, database);
    writeFiles(filesPart, into, manifest.dialect === 'postgres' ? ['database.json'] : []);
    onProgress?.('restored', 3, 3);
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    lock?.release();
  }
}
