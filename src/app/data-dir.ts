import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../kernel/config/load.js';
import type { BastionConfig } from '../kernel/config/schema.js';
import { sqliteFile } from '../storage/files.js';

/**
 * `<dataDir>/database.json`: which database the data directory belongs to, written at the first open that
 * succeeds. Every later open compares the configuration with it before any database is opened, so that a
 * PostgreSQL directory started without BASTION_DATABASE_URL stops with the fix instead of creating an empty
 * bastion.db (and the other way round).
 */
export const DATABASE_BINDING = 'database.json';

export interface DatabaseBinding {
  kind: 'sqlite' | 'postgres';
  /** Host, port and database name only: never a user name or password. */
  database: string;
}

/** The configured database, named without credentials (the default PostgreSQL port made explicit). */
export function databaseOf(config: BastionConfig): string {
  if (config.databaseUrl === undefined) return 'sqlite:bastion.db';
  const url = new URL(config.databaseUrl);
  return `postgres://${url.hostname.toLowerCase()}:${url.port === '' ? '5432' : url.port}${url.pathname}`;
}

function bindingOf(config: BastionConfig): DatabaseBinding {
  return { kind: config.databaseUrl === undefined ? 'sqlite' : 'postgres', database: databaseOf(config) };
}

export function bindingFile(config: BastionConfig): string {
  return join(config.dataDir, DATABASE_BINDING);
}

function readBinding(config: BastionConfig): DatabaseBinding | undefined {
  const file = bindingFile(config);
  if (!existsSync(file)) return undefined;
  let parsed: Partial<DatabaseBinding>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DatabaseBinding>;
  } catch {
    throw new ConfigError(
      `${file} is not valid JSON; restore it from a backup (it names the data directory's database)`,
    );
  }
  if ((parsed.kind !== 'sqlite' && parsed.kind !== 'postgres') || typeof parsed.database !== 'string')
    throw new ConfigError(`${file} is invalid: it needs "kind" (sqlite or postgres) and "database"`);
  return { kind: parsed.kind, database: parsed.database };
}

/**
 * Refuses, with a ConfigError (exit code 3) naming the fix, a configuration that points at another database
 * than the one the data directory belongs to. Creates nothing.
 */
export function checkDatabaseBinding(config: BastionConfig, options: { initializing: boolean }): void {
  const recorded = readBinding(config);
  const configured = bindingOf(config);
  const dir = config.dataDir;
  if (recorded === undefined) {
    // Directories made before database.json: what lies in them tells which kind they belong to.
    const hasSqlite = existsSync(sqliteFile(config));
    if (configured.kind === 'postgres' && hasSqlite)
      throw new ConfigError(
        `${dir} holds a SQLite database (bastion.db), but databaseUrl (BASTION_DATABASE_URL) is set: unset it to use this data directory, or use an empty data directory for ${configured.database}`,
      );
    if (configured.kind === 'sqlite' && !hasSqlite && !options.initializing)
      throw new ConfigError(
        `${dir} is initialised but holds no bastion.db: it belongs to a PostgreSQL database; set BASTION_DATABASE_URL (databaseUrl) to it`,
      );
    return;
  }
  if (recorded.kind === 'postgres' && configured.kind === 'sqlite')
    throw new ConfigError(
      `${dir} belongs to the PostgreSQL database ${recorded.database}, but databaseUrl (BASTION_DATABASE_URL) is not set: set it to that database's URL`,
    );
  if (recorded.kind === 'sqlite' && configured.kind === 'postgres')
    throw new ConfigError(
      `${dir} belongs to its SQLite database bastion.db, but databaseUrl (BASTION_DATABASE_URL) names ${configured.database}: unset it to use this data directory, or use an empty data directory for that database`,
    );
  if (recorded.database !== configured.database)
    throw new ConfigError(
      `${dir} belongs to the PostgreSQL database ${recorded.database}, but databaseUrl (BASTION_DATABASE_URL) names ${configured.database}: point it at ${recorded.database} (if that database moved, change "database" in ${bindingFile(config)})`,
    );
}

/** Records the configured database once it has been opened and checked (keys reconciled): the first open wins. */
export function recordDatabaseBinding(config: BastionConfig): void {
  if (existsSync(bindingFile(config))) return;
  writeFileSync(bindingFile(config), `${JSON.stringify(bindingOf(config), null, 2)}\n`, { mode: 0o600 });
}
