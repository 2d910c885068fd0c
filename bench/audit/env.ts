import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openBastion, type Bastion } from '../../src/app/bastion.js';
import { initialize } from '../../src/app/init.js';
import { loadConfig } from '../../src/kernel/config/load.js';
import { createLogger } from '../../src/kernel/logger.js';

export const DEFAULT_SCALE = 1_000_000;

export interface BenchEnv {
  bastion: Bastion;
  /** Audit records the log should hold for the verification and proof sections. */
  scale: number;
  backend: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

export function scaleFromEnv(text = process.env.BASTION_BENCH_SCALE): number {
  if (text === undefined || text === '') return DEFAULT_SCALE;
  const scale = Number(text);
  if (!Number.isSafeInteger(scale) || scale < 1) throw new Error(`BASTION_BENCH_SCALE must be a positive integer`);
  return scale;
}

/**
 * A fresh, initialised Bastion in a temporary data directory: SQLite there by default, or a throw-away
 * schema in the PostgreSQL database of BASTION_DATABASE_URL. The audit tables refuse DELETE and TRUNCATE,
 * so a private schema (dropped at the end) is the only clean way to start from an empty log on PostgreSQL.
 */
export async function openBenchEnv(): Promise<BenchEnv> {
  const scale = scaleFromEnv();
  const dataDir = mkdtempSync(join(tmpdir(), 'bastion-bench-'));
  const databaseUrl = process.env.BASTION_DATABASE_URL;
  const schema = databaseUrl ? await createSchema(databaseUrl) : undefined;
  const removeAll = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl && schema) await dropSchema(databaseUrl, schema);
  };
  try {
    const env: Record<string, string> = { BASTION_DATA_DIR: dataDir };
    if (databaseUrl && schema) env.BASTION_DATABASE_URL = withSearchPath(databaseUrl, schema);
    // cwd is the temporary directory so that a bastion.config.json lying in the repository cannot change
    // what is measured (checkpoint interval, witnesses): the bench always runs on the defaults.
    const config = loadConfig({ env, cwd: dataDir });
    const logger = createLogger('silent');
    await initialize(config, logger);
    const bastion = await openBastion(config, { logger });
    const close = async () => {
      await bastion.close();
      await removeAll();
    };
    return { bastion, scale, backend: databaseUrl ? 'postgres' : 'sqlite', close };
  } catch (error) {
    await removeAll();
    throw error;
  }
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
