import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './tables.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * What a dialect can and cannot do, declared once so callers never test the dialect name.
 * SQLite has one writer per file, so serialisation of appends comes for free; PostgreSQL needs a lock.
 */
export interface DialectCapabilities {
  multipleWriters: boolean;
  binaryType: 'blob' | 'bytea';
  bigIntType: 'integer' | 'bigint';
}

export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly capabilities: DialectCapabilities;
  /** A human-readable description of where the data lives, without credentials. */
  readonly location: string;
  close(): Promise<void>;
}

/** A transaction plus work to run only once it has committed (events, witness writes). */
export interface UnitOfWork {
  readonly tx: Kysely<Database>;
  readonly storage: Storage;
  afterCommit(task: () => unknown): void;
}

/** Runs `work` in one transaction; after-commit tasks run only when the commit succeeded. */
export async function inTransaction<T>(
  storage: Storage,
  logger: Logger,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  const tasks: (() => unknown)[] = [];
  const run = (tx: Kysely<Database>) => work({ tx, storage, afterCommit: (task) => tasks.push(task) });
  const result =
    storage.dialect === 'sqlite'
      ? await immediateTransaction(storage.db, run)
      : await storage.db.transaction().execute(run);
  for (const task of tasks) {
    try {
      await task();
    } catch (error) {
      logger.error({ err: error }, 'after-commit task failed');
    }
  }
  return result;
}

/**
 * SQLite transactions start as BEGIN IMMEDIATE: the write lock is taken up front, so a second process
 * (a CLI verb while the server runs) waits for it instead of failing when its read snapshot goes stale.
 */
async function immediateTransaction<T>(db: Kysely<Database>, work: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}
