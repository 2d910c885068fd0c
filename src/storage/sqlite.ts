import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase as KyselySqliteDatabase, type SqliteStatement } from 'kysely';
import type { Storage } from './storage.js';
import type { AnyTables as Database } from '../kernel/store.js';

/** SQLite in WAL mode: readers never block the writer; NORMAL sync is durable across process crashes. */
export function openSqlite(file: string): Storage {
  if (file !== ':memory:') ownerOnly(file);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('wal_autocheckpoint = 10000');
  // Reads of a large database (a genealogy of a million lots is ~600 MB) hop between B-tree pages all over the
  // file. Mapping the file lets SQLite read pages in place instead of copying each one in with a read() call
  // (trace times halved at 1M lots); pages still in the WAL go through the page cache, 64 MiB instead of 2 MiB.
  sqlite.pragma('mmap_size = 1073741824');
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    capabilities: { multipleWriters: false, binaryType: 'blob', bigIntType: 'integer' },
    location: file,
    close: () => db.destroy(),
  };
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
