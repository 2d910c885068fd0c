import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openBastion, type Bastion } from '../../src/app/bastion.js';
import { initialize } from '../../src/app/init.js';
import { loadConfig } from '../../src/kernel/config/load.js';
import { createLogger } from '../../src/kernel/logger.js';
import type { BastionModule } from '../../src/kernel/module.js';

export interface BenchBastion {
  bastion: Bastion;
  backend: 'sqlite' | 'postgres';
  /** The bootstrap administrator's one-time password, as `bastion init` shows it once. */
  oneTimePassword: string;
  close(): Promise<void>;
}

/**
 * A fresh, initialised Bastion in a temporary data directory: SQLite there by default, or a throw-away
 * schema in the PostgreSQL database of BASTION_DATABASE_URL. The audit tables refuse DELETE and TRUNCATE,
 * so a private schema (dropped at the end) is the only clean way to start from an empty log on PostgreSQL.
 */
export async function openBenchBastion(
  settings: Record<string, string> = {},
  /** Modules of the bench's own (a table with a catalogue), after the registry's. */
  extraModules: BastionModule[] = [],
): Promise<BenchBastion> {
  const fromEnv = process.env.BASTION_DATABASE_URL;
  const databaseUrl = fromEnv === '' ? undefined : fromEnv;
  // The schema first: when the database cannot be reached, nothing has been made that would need removing.
  const schema = databaseUrl !== undefined ? await createSchema(databaseUrl) : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'bastion-bench-'));
  const removeAll = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl !== undefined && schema !== undefined) await dropSchema(databaseUrl, schema);
  };
  try {
    const env: Record<string, string> = { ...sqliteMemoryFromEnv(), ...settings, BASTION_DATA_DIR: dataDir };
    if (databaseUrl !== undefined && schema !== undefined)
      env.BASTION_DATABASE_URL = withSearchPath(databaseUrl, schema);
    // cwd is the temporary directory so that a bastion.config.json lying in the repository cannot change
    // what is measured (checkpoint interval, witnesses): the bench runs on the defaults plus `settings`
    // (and SQLite's memory sizes, when the environment sets them).
    const config = loadConfig({ env, cwd: dataDir });
    const logger = createLogger('silent');
    const init = await initialize(config, logger);
    const bastion = await openBastion(config, { logger, extraModules });
    const close = async () => {
      await bastion.close();
      await removeAll();
    };
    return {
      bastion,
      backend: databaseUrl !== undefined ? 'postgres' : 'sqlite',
      oneTimePassword: init.admin!.oneTimePassword,
      close,
    };
  } catch (error) {
    await removeAll();
    throw error;
  }
}

/**
 * SQLite's memory sizes may be set for a bench run (BASTION_DATABASE_SQLITE_MMAP_MB, _CACHE_MB), so that their
 * effect on the figures and the RSS can be measured; no other setting from the environment reaches the bench.
 */
function sqliteMemoryFromEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['BASTION_DATABASE_SQLITE_MMAP_MB', 'BASTION_DATABASE_SQLITE_CACHE_MB']) {
    const value = process.env[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return env;
}

/** Every connection of the pool then resolves the unqualified table names into the bench schema. */
function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createSchema(url: string): Promise<string> {
  // Built from digits only, so it is safe to place in DDL.
  const schema = `bastion_bench_${process.pid}_${Date.now()}`;
  await withClient(url, (client) => client.query(`create schema ${schema}`));
  return schema;
}

async function dropSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (client) => client.query(`drop schema ${schema} cascade`));
}
