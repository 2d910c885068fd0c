import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BastionConfig } from '../../kernel/config/schema.js';

/** Where a drill restores: a fresh directory, and for PostgreSQL a fresh database nobody uses, both removed after. */
export interface Sandbox {
  dir: string;
  databaseUrl?: string;
  dispose(): Promise<void>;
}

/** The server of the drill databases: `backup.drill.databaseUrl`, else the configured database's server. */
function maintenanceUrl(config: BastionConfig): string | undefined {
  return config.backup.drill.databaseUrl ?? config.databaseUrl;
}

async function onServer(url: string, statement: (client: pg.Client) => string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement(client));
  } finally {
    await client.end();
  }
}

export async function openSandbox(config: BastionConfig, dialect: string): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-drill-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (dialect !== 'postgres') return { dir, dispose: () => Promise.resolve(removeDir()) };
  const server = maintenanceUrl(config);
  if (server === undefined) {
    removeDir();
    throw new Error('a PostgreSQL backup needs backup.drill.databaseUrl (a server where drills may create a database)');
  }
  // The name is ours (random hex), never input; identifiers cannot be bound as parameters, so it is quoted.
  const name = `bastion_drill_${randomBytes(6).toString('hex')}`;
  await onServer(server, (c) => `create database ${c.escapeIdentifier(name)}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    dir,
    databaseUrl: url.toString(),
    async dispose() {
      removeDir();
      await onServer(server, (c) => `drop database if exists ${c.escapeIdentifier(name)} with (force)`);
    },
  };
}
