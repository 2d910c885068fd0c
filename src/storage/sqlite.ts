import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Storage } from './storage.js';
import type { Database } from './tables.js';

/** SQLite in WAL mode: readers never block the writer; NORMAL sync is durable across process crashes. */
export function openSqlite(file: string): Storage {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: 'sqlite',
    capabilities: { multipleWriters: false, binaryType: 'blob', bigIntType: 'integer' },
    location: file,
    close: () => db.destroy(),
  };
}
