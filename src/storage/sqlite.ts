import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase as KyselySqliteDatabase, type SqliteStatement } from 'kysely';
import type { Storage } from './storage.js';
import { DEFAULT_SQLITE_CACHE_MB, DEFAULT_SQLITE_MMAP_MB } from '../kernel/config/database.js';
import type { AnyTables as Database } from '../kernel/store.js';

export interface SqliteMemory {
  /** MiB of the database file mapped into the address space (0: none, every page read with read()). */
  mmapMb: number;
  /** MiB of SQLite's own page cache. */
  cacheMb: number;
}

const MIB = 1024 * 1024;

/** SQLite in WAL mode: readers never block the writer; NORMAL sync is durable across process crashes. */
export function openSqlite(
  file: string,
  memory: SqliteMemory = { mmapMb: DEFAULT_SQLITE_MMAP_MB, cacheMb: DEFAULT_SQLITE_CACHE_MB },
): Storage {
  // A PRAGMA takes no bound parameters: the sizes are checked to be plain integers before they are written in.
  const mmapBytes = mebibytes('mmapMb', memory.mmapMb, 0) * MIB;
  const cacheKib = mebibytes('cacheMb', memory.cacheMb, 1) * 1024;
  if (file !== ':memory:') ownerOnly(file);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('wal_autocheckpoint = 10000');
  // Both sizes are resident memory, so they are configuration (database.sqlite.*, defaults and figures in
  // kernel/config/database.ts). The map lets SQLite read pages in place instead of copying each in with a read()
  // call; without it the pages still come from the kernel's page cache, only copied.
  sqlite.pragma(`mmap_size = ${mmapBytes}`);
  // A negative cache_size counts KiB rather than pages.
  sqlite.pragma(`cache_size = -${cacheKib}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    capabilities: { multipleWriters: false, binaryType: 'blob', bigIntType: 'integer' },
    location: file,
    close: () => db.destroy(),
  };
}

function mebibytes(key: keyof SqliteMemory, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`database.sqlite.${key} must be an integer of at least ${minimum}, not ${value}`);
  }
  return value;
}

/**
 * The database holds every record (and the WAL and shared-memory files copies of its pages): owner only, 0600,
 * whatever the umask or the data directory's mode. The file is made 0600 before SQLite opens it; SQLite creates
 * -wal and -shm with the mode of the database file (and fchmods them so, past the umask). Files left by an
 * older version are tightened too.
 */
function ownerOnly(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`])
    if (existsSync(path)) chmodSync(path, 0o600);
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query anew; preparing costs as much as running a small statement. Bastion's
 * queries come from a small set of builders, so their SQL texts repeat and their statements can be reused.
 * Safe because Kysely runs one query at a time on the single SQLite connection.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        statement = sqlite.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
