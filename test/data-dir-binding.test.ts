import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { dropDatabase, testDialect } from './support/database.js';

// Issue 12, item 4: a PostgreSQL data directory started without BASTION_DATABASE_URL failed with "no such
// table" and left an empty bastion.db. Each project initialises on its own dialect and opens with the other.
describe(`a data directory opened with another database than its own (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let otherUrl: string | undefined;

  beforeEach(async () => {
    ({ env, dataDir, cleanup } = await testEnvironment());
    expect((await cli(['init'], env)).code).toBe(0);
  });
  afterEach(async () => {
    await dropDatabase(otherUrl);
    otherUrl = undefined;
    await cleanup();
  });

  it('records its database at init without credentials', () => {
    const binding = JSON.parse(readFileSync(join(dataDir, 'database.json'), 'utf8')) as Record<string, string>;
    if (testDialect === 'sqlite') expect(binding).toEqual({ kind: 'sqlite', database: 'sqlite:bastion.db' });
    else {
      const { hostname, port, pathname } = new URL(env.BASTION_DATABASE_URL!);
      expect(binding).toEqual({ kind: 'postgres', database: `postgres://${hostname}:${port || 5432}${pathname}` });
      expect(readFileSync(join(dataDir, 'database.json'), 'utf8')).not.toContain('postgres@');
    }
  });
});
