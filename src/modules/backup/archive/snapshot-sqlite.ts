import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { AnyTables, Dialect } from '../../../kernel/store.js';
import type { SnapshotState } from './format.js';
import { snapshotState } from './state.js';

// Plain JavaScript, run with `eval`: the same text works from vitest's TypeScript sources and from dist/.
const VACUUM_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const live = new Database(workerData.source, { readonly: true, fileMustExist: true });
live.pragma('busy_timeout = 10000');
try { live.prepare('VACUUM INTO ?').run(workerData.target); } finally { live.close(); }
// The copy is ours alone: rollback journal, so it opens read-only later without -wal or -shm files.
const copy = new Database(workerData.target);
copy.pragma('journal_mode = DELETE');
copy.close();
parentPort.postMessage('done');
`;

/**
 * Copies the live database to `target` with VACUUM INTO: one read transaction, so the server keeps writing
 * (WAL) and the copy is one instant of it. It runs in a worker thread so the event loop is never blocked.
 */
export async function vacuumInto(source: string, target: string): Promise<void> {
  closeSync(openSync(target, 'wx', 0o600)); // VACUUM INTO accepts an empty file, and keeps its 0600 mode
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(VACUUM_WORKER, { eval: true, workerData: { driver, source, target } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the snapshot worker stopped (exit code ${code})`)));
  });
  await worker.terminate();
}

/** Opens a SQLite file read-only for queries (a snapshot, or a restored database being checked). */
export function openReadOnly(file: string): { db: Kysely<AnyTables>; raw: SqliteDatabase.Database } {
  const raw = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  return { db: new Kysely<AnyTables>({ dialect: new SqliteDialect({ database: raw }) }), raw };
}

export const SQLITE: Dialect = {
  dialect: 'sqlite',
  capabilities: { multipleWriters: false, binaryType: 'blob', bigIntType: 'integer' },
};

/** Counts and the audit head read from the snapshot, not the live file: they describe the same instant. */
export async function sqliteSnapshotState(snapshot: string): Promise<SnapshotState> {
  const { db } = openReadOnly(snapshot);
  try {
    return await snapshotState({ db, ...SQLITE });
  } finally {
    await db.destroy();
  }
}
