import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Witness } from './witness.js';

export const NOT_INDEPENDENT =
  'the audit log is not independently witnessed: every witness directory is on the file system of the ' +
  'database, so a truncation with the witness files removed too cannot be detected; add a witness ' +
  'directory on another host (audit.witnessDirs, see OPERATIONS.md)';

/** The device of a path, or of its nearest existing parent (a witness directory is made on first write). */
function deviceOf(path: string): number | undefined {
  let at = resolve(path);
  for (;;) {
    try {
      return statSync(at).dev;
    } catch {
      const up = dirname(at);
      if (up === at) return undefined;
      at = up;
    }
  }
}

/**
 * True when every witness is a directory on the file system that holds the database file: whoever can cut
 * the log short there can delete the witness copies as easily. Only a local database file can be compared
 * (SQLite); for a database on a server (PostgreSQL) nothing is claimed either way.
 */
export function notIndependentlyWitnessed(databaseFile: string | undefined, witnesses: Witness[]): boolean {
  if (databaseFile === undefined || databaseFile === '') return false;
  const database = deviceOf(databaseFile);
  if (database === undefined) return false;
  return witnesses.every((w) => w.directory !== undefined && deviceOf(w.directory) === database);
}
