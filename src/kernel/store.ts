import type { Kysely } from 'kysely';

/**
 * The kernel's view of storage: what a dialect can do, a unit of work, migrations, and the two kinds of
 * database handle. The kernel knows no table of any module: the full database type is composed in app/, and
 * each module types its handles with its own tables (see a module's `db.ts`).
 */
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

export interface Dialect {
  readonly dialect: DialectName;
  readonly capabilities: DialectCapabilities;
  /** The connection pool's figures, for /metrics (PostgreSQL; SQLite has one connection and no pool). */
  readonly connections?: () => ConnectionFigures;
}

export interface ConnectionFigures {
  total: number;
  idle: number;
  /** Queries waiting for a free connection. */
  waiting: number;
}

/**
 * The table map of a handle whose tables are not known here. Kysely needs a concrete map to type queries, and
 * only app/ composes the whole one, so handles cross the kernel untyped and each module narrows them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: the kernel cannot name the tables
export type AnyTables = any;

/**
 * A read-only handle: queries, functions and raw reads, but no insert, update, delete, schema change or
 * transaction. Modules and routes get only this; `CommandContext.tx` is the one writable handle a module sees.
 * (Raw SQL through `executeQuery` is for reads: the lint rule `no-raw-writes` and review keep it so.)
 */
export type ReadDb<DB = AnyTables> = Pick<
  Kysely<DB>,
  'selectFrom' | 'selectNoFrom' | 'fn' | 'dynamic' | 'executeQuery' | 'getExecutor'
>;

/** A transaction plus work to run only once it has committed (events, witness writes). */
export interface UnitOfWork<DB = AnyTables> {
  readonly tx: Kysely<DB>;
  readonly storage: Dialect;
  afterCommit(task: () => unknown): void;
}

/** Runs work in one transaction; after-commit tasks run only when the commit succeeded. */
export type Transact = <T>(work: (uow: UnitOfWork) => Promise<T>) => Promise<T>;

/** What the pipeline (and the few declared writers) need of storage: a read handle and transactions. */
export interface TransactionalStore extends Dialect {
  readonly db: ReadDb;
  readonly transact: Transact;
}

/** A module's schema change. Names sort in the order they must run: `NNNN_module_what`. */
export interface ModuleMigration {
  name: string;
  up(db: Kysely<unknown>, storage: Dialect): Promise<void>;
}
