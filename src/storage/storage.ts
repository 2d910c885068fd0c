import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AnyTables, Dialect, DialectCapabilities, DialectName, UnitOfWork } from '../kernel/store.js';

export type { DialectCapabilities, DialectName, UnitOfWork } from '../kernel/store.js';

/** An open database: the writable handle. Only app/, storage and the pipeline's transactions hold one. */
export interface Storage<DB = AnyTables> extends Dialect {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  readonly capabilities: DialectCapabilities;
  /** A human-readable description of where the data lives, without credentials. */
  readonly location: string;
  close(): Promise<void>;
}

/** Runs `work` in one transaction; after-commit tasks run only when the commit succeeded. */
export async function inTransaction<T>(
  storage: Storage,
  logger: Logger,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  const tasks: (() => unknown)[] = [];
  const run = (tx: Kysely<AnyTables>) => work({ tx, storage, afterCommit: (task) => tasks.push(task) });
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
async function immediateTransaction<T>(db: Kysely<AnyTables>, work: (tx: Kysely<AnyTables>) => Promise<T>): Promise<T> {
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
