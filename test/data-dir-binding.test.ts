import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDialect } from './support/database.js';
import { initialisedDirectoryPerTest } from './support/initialised-directory.js';

// Issue 12, item 4: a PostgreSQL data directory started without BASTION_DATABASE_URL failed with "no such
// table" and left an empty bastion.db. Each project initialises on its own dialect and opens with the other.
describe(`a data directory opened with another database than its own (${testDialect})`, () => {
  const dir = initialisedDirectoryPerTest();

  it('records its database at init without credentials', () => {
    const binding = JSON.parse(readFileSync(join(dir.dataDir, 'database.json'), 'utf8')) as Record<string, string>;
    if (testDialect === 'sqlite') expect(binding).toEqual({ kind: 'sqlite', database: 'sqlite:bastion.db' });
    else {
      const { hostname, port, pathname } = new URL(dir.env.BASTION_DATABASE_URL!);
      expect(binding).toEqual({ kind: 'postgres', database: `postgres://${hostname}:${port || 5432}${pathname}` });
      expect(readFileSync(join(dir.dataDir, 'database.json'), 'utf8')).not.toContain('postgres@');
    }
  });
});
