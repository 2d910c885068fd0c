import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { effectiveDatabaseUrl } from '../../kernel/config/database.js';
import type { BastionConfig } from '../../kernel/config/schema.js';
import { kernelMigrations } from '../../kernel/pipeline/schema.js';
import { storageMigrations } from '../../storage/instance-keys.js';
import { migrate } from '../../storage/migrations.js';
import { sqliteFile } from '../../storage/files.js';
import { openPostgres } from '../../storage/postgres.js';
import { openSqlite } from '../../storage/sqlite.js';
import { isInitialized } from '../bastion.js';
import { checkDatabaseBinding } from '../data-dir.js';
import { takeDataDir } from '../data-dir-lock.js';
import { NotInitializedError } from '../errors.js';
import { allModules } from '../registry.js';
import { requireDemoMarker } from './marker.js';
import { initializeDemo, type DemoReporter, type DemoResult } from './seed.js';

/**
 * The tables Bastion's migrations create, found by running them on a scratch in-memory SQLite database: the
 * list follows the modules by itself, and nothing outside it is ever dropped.
 */
export async function bastionTables(): Promise<string[]> {
  const scratch = openSqlite(':memory:');
  try {
    await migrate(scratch, [...kernelMigrations, ...storageMigrations, ...allModules().flatMap((m) => m.migrations)]);
    const rows = await sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(scratch.db);
    return rows.rows.map((r) => r.name);
  } finally {
    await scratch.close();
  }
}

/** Drops Bastion's tables (the audit log's triggers forbid TRUNCATE and DELETE, not DROP) and functions. */
async function dropPostgresObjects(url: string): Promise<number> {
  const ours = new Set(await bastionTables());
  const storage = openPostgres(url, 1);
  try {
    return await storage.db.transaction().execute(async (tx) => {
      const present = await sql<{ tablename: string }>`
        select tablename from pg_tables where schemaname = current_schema()`.execute(tx);
      const tables = present.rows.map((r) => r.tablename).filter((t) => ours.has(t));
      if (tables.length > 0) await sql`drop table ${sql.join(tables.map((t) => sql.table(t)))} cascade`.execute(tx);
      await sql`
        do $$ declare f regprocedure; begin
          for f in select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname = current_schema() and p.proname like 'bastion\\_%'
          loop execute 'drop function ' || f || ' cascade'; end loop;
        end $$`.execute(tx);
      return tables.length;
    });
  } finally {
    await storage.close();
  }
}

/** Deletes the SQLite database with its write-ahead log and shared-memory file. */
function dropSqliteFile(config: BastionConfig): void {
  const file = sqliteFile(config);
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/** The old log's checkpoints would not match the new log: the witness copies go with it. */
function clearWitnessCopies(config: BastionConfig): void {
  const dirs = config.audit.witnessDirs.length > 0 ? config.audit.witnessDirs : [join(config.dataDir, 'witness')];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => /^checkpoint-\d{12}\.(json|sig)$/.test(n)))
      rmSync(join(dir, name), { force: true });
  }
}

/**
 * `demo reset`: refused unless the data directory was made by `init --demo` for the configured database, and
 * while any other Bastion process (a server, a CLI verb) uses it.
 * Discards the demo's database (audit log included) and witness copies, keeps the keys and the TLS
 * certificate, and seeds the demo again with fresh one-time passwords.
 */
export async function resetDemo(config: BastionConfig, logger: Logger, reporter: DemoReporter): Promise<DemoResult> {
  const marker = requireDemoMarker(config);
  if (!isInitialized(config)) throw new NotInitializedError(config.dataDir);
  checkDatabaseBinding(config, { initializing: false });
  // Held from before the drop until the new demo is seeded: a server on this directory would lose its database.
  const lock = takeDataDir(config.dataDir);
  try {
    if (config.databaseUrl !== undefined) {
      const dropped = await dropPostgresObjects(effectiveDatabaseUrl(config)!);
      reporter.step(`Dropped the demo's ${dropped} tables in ${marker.database}.`);
    } else {
      dropSqliteFile(config);
      reporter.step(`Deleted the demo's database ${sqliteFile(config)}.`);
    }
    clearWitnessCopies(config);
    return await initializeDemo(config, logger, reporter, marker.admin);
  } finally {
    lock.release();
  }
}
