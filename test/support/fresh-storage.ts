import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openPostgres } from '../../src/storage/postgres.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import type { Storage } from '../../src/storage/storage.js';
import { dropDatabase, freshDatabaseUrl } from './database.js';

export interface FreshStorage {
  /** This test's storage: an empty SQLite file, or an empty PostgreSQL database in the postgres project. */
  readonly storage: Storage;
  /** The PostgreSQL database's URL (undefined on SQLite). */
  readonly url: string | undefined;
}

/**
 * Bare storage, without any module's migrations, made empty before each test of the calling suite and removed
 * after it: for tests of migrations themselves, which must start from a database in an older shape.
 */
export function freshStorageEachTest(prefix: string): FreshStorage {
  let current: { storage: Storage; url: string | undefined; dir: string } | undefined;
  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const url = await freshDatabaseUrl();
    current = { storage: url !== undefined ? openPostgres(url) : openSqlite(join(dir, 'bastion.db')), url, dir };
  });
  afterEach(async () => {
    if (!current) return;
    await current.storage.close();
    await dropDatabase(current.url);
    rmSync(current.dir, { recursive: true, force: true });
    current = undefined;
  });
  const made = () => {
    if (!current) throw new Error('fresh storage is only there inside a test');
    return current;
  };
  return {
    get storage() {
      return made().storage;
    },
    get url() {
      return made().url;
    },
  };
}
