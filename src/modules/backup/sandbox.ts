import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pgClientConfig } from '../../storage/postgres-tls.js';
import { effectiveDatabaseUrl } from '../../kernel/config/database.js';
import type { BastionConfig } from '../../kernel/config/schema.js';

/** Where a drill restores: a fresh directory, and for PostgreSQL a fresh database nobody uses, both removed after. */
export interface Sandbox {
  dir: string;
  databaseUrl?: string;
  dispose(): Promise<void>;
}

/** The server of the drill databases: `backup.drill.databaseUrl`, else the configured database's server. */
function maintenanceUrl(config: BastionConfig): string | undefined {
  return config.backup.drill.databaseUrl ?? effectiveDatabaseUrl(config);
}

async function onServer(url: string, ...statements: ((client: pg.Client) => string)[]): Promise<void> {
  const client = new pg.Client(pgClientConfig(url));
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement(client));
  } finally {
    await client.end();
  }
}

/**
 * A database of ours on the drill server (`backup.drill.databaseUrl`, else the configured database's server),
 * made empty (`replace`: an earlier one of that name dropped first); returns its URL. The name is ours, never
 * input: identifiers cannot be bound as parameters, so it is quoted.
 */
export async function scratchDatabase(config: BastionConfig, name: string, replace: boolean): Promise<string> {
  const server = maintenanceUrl(config);
  if (server === undefined)
    throw new Error(
      'a PostgreSQL backup needs backup.drill.databaseUrl (a server where Bastion may create a database)',
    );
  const drop = (c: pg.Client) => `drop database if exists ${c.escapeIdentifier(name)} with (force)`;
  const create = (c: pg.Client) => `create database ${c.escapeIdentifier(name)}`;
  await onServer(server, ...(replace ? [drop, create] : [create]));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function openSandbox(config: BastionConfig, dialect: string): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-drill-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (dialect !== 'postgres') return { dir, dispose: () => Promise.resolve(removeDir()) };
  const name = `bastion_drill_${randomBytes(6).toString('hex')}`;
  let databaseUrl: string;
  try {
    databaseUrl = await scratchDatabase(config, name, false);
  } catch (error) {
    removeDir();
    throw error;
  }
  return {
    dir,
    databaseUrl,
    async dispose() {
      removeDir();
      await onServer(
        maintenanceUrl(config)!,
        (c) => `drop database if exists ${c.escapeIdentifier(name)} with (force)`,
      );
    },
  };
}
