import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cli, serveOnce } from './support/cli.js';
import { freshDatabaseUrl, testDialect } from './support/database.js';
import { initialisedDirectoryPerTest } from './support/initialised-directory.js';

/** The tables of a PostgreSQL database, to show that a refused open created none. */
async function tablesIn(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ tablename: string }>(
      `select tablename from pg_tables where schemaname = current_schema()`,
    );
    return result.rows.map((r) => r.tablename);
  } finally {
    await client.end();
  }
}

function withoutDatabaseUrl(env: Record<string, string>): Record<string, string> {
  const copy = { ...env };
  delete copy.BASTION_DATABASE_URL;
  return copy;
}

const oneLine = (text: string) => text.trim().split('\n');

// Issue 12, item 4: a PostgreSQL data directory started without BASTION_DATABASE_URL failed with "no such
// table" and left an empty bastion.db. Each project initialises on its own dialect and opens with the other.
describe(`a PostgreSQL data directory opened without its database (${testDialect})`, () => {
  const dir = initialisedDirectoryPerTest();

  it('a PostgreSQL directory without BASTION_DATABASE_URL: exit 3, one line naming the fix, no bastion.db', async () => {
    const withoutUrl = withoutDatabaseUrl(dir.env);
    const runs = [
      await serveOnce(withoutUrl),
      await cli(['users', 'list'], withoutUrl),
      await cli(['audit', 'verify'], withoutUrl),
    ];
    for (const run of runs) {
      expect(run.code).toBe(3);
      expect(oneLine(run.stderr)).toHaveLength(1);
      expect(run.stderr).toMatch(/belongs to the PostgreSQL database postgres:\/\/.*BASTION_DATABASE_URL.*set it/);
      expect(run.stderr).not.toContain('no such table');
    }
    expect(existsSync(join(dir.dataDir, 'bastion.db'))).toBe(false);
  });
  it('a PostgreSQL directory given another PostgreSQL database: exit 3 naming both, and that database stays empty', async () => {
    dir.otherUrl = await freshDatabaseUrl();
    const run = await serveOnce({ ...dir.env, BASTION_DATABASE_URL: dir.otherUrl! });
    expect(run.code).toBe(3);
    expect(oneLine(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(`names postgres://127.0.0.1:5432${new URL(dir.otherUrl!).pathname}`);
    expect(await tablesIn(dir.otherUrl!)).toEqual([]);
  });
  it('a PostgreSQL directory made before database.json, started without a URL: exit 3, no bastion.db', async () => {
    rmSync(join(dir.dataDir, 'database.json'));
    const withoutUrl = withoutDatabaseUrl(dir.env);
    const run = await serveOnce(withoutUrl);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('holds no bastion.db: it belongs to a PostgreSQL database; set BASTION_DATABASE_URL');
    expect(existsSync(join(dir.dataDir, 'bastion.db'))).toBe(false);
    // With its URL it serves, and records the database it belongs to from then on.
    const served = await serveOnce(dir.env);
    expect(served.code, served.stderr).toBe(0);
    expect(existsSync(join(dir.dataDir, 'database.json'))).toBe(true);
  });
});
