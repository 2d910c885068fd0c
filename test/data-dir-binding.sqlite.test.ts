import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, serveOnce } from './support/cli.js';
import { testDialect } from './support/database.js';
import { initialisedDirectoryPerTest } from './support/initialised-directory.js';

const oneLine = (text: string) => text.trim().split('\n');

// Issue 12, item 4: a PostgreSQL data directory started without BASTION_DATABASE_URL failed with "no such
// table" and left an empty bastion.db. Each project initialises on its own dialect and opens with the other.
describe(`a SQLite data directory opened with a PostgreSQL URL (${testDialect})`, () => {
  const dir = initialisedDirectoryPerTest();

  it('a SQLite directory given a PostgreSQL URL: exit 3, one line naming the fix, nothing opened', async () => {
    const before = readdirSync(dir.dataDir).sort();
    // Never connected to: the refusal comes before any database is opened, so this database need not exist.
    const wrong = { ...dir.env, BASTION_DATABASE_URL: 'postgres://bastion:secret@127.0.0.1:5432/elsewhere' };
    for (const run of [
      await serveOnce(wrong),
      await cli(['users', 'list'], wrong),
      await cli(['audit', 'verify'], wrong),
    ]) {
      expect(run.code).toBe(3);
      expect(oneLine(run.stderr)).toHaveLength(1);
      expect(run.stderr).toContain('belongs to its SQLite database bastion.db');
      expect(run.stderr).toContain('unset it');
      expect(run.stderr).not.toContain('secret');
    }
    expect(readdirSync(dir.dataDir).sort()).toEqual(before);
  });
});
