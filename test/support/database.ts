import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The dialect of this worker's project (vitest.config.ts): the postgres project's workers get
 * BASTION_TEST_DATABASE_URL in their environment, the sqlite project's get it empty.
 */
export const testDialect: 'sqlite' | 'postgres' =
  (process.env.BASTION_TEST_DATABASE_URL ?? '') !== '' ? 'postgres' : 'sqlite';

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.BASTION_TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database named after the run's database, or undefined on SQLite. */
export async function freshDatabaseUrl(): Promise<string | undefined> {
  const base = process.env.BASTION_TEST_DATABASE_URL;
  if (base === undefined || base === '') return undefined;
  const url = new URL(base);
  const name = `${url.pathname.slice(1)}_${randomBytes(5).toString('hex')}`;
  await withAdmin((client) => client.query(`create database "${name}"`));
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(url: string | undefined): Promise<void> {
  if (url === undefined) return;
  const name = new URL(url).pathname.slice(1);
  await withAdmin((client) => client.query(`drop database if exists "${name}" with (force)`));
}
