import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/kernel/config/load.js';
import { openStorage } from '../src/storage/open.js';
import { openSqlite } from '../src/storage/sqlite.js';
import type { Storage } from '../src/storage/storage.js';

/** The value SQLite reports for a PRAGMA on this connection. */
async function pragma(storage: Storage, name: 'mmap_size' | 'cache_size'): Promise<number> {
  const query =
    name === 'mmap_size'
      ? sql<Record<string, number>>`pragma mmap_size`
      : sql<Record<string, number>>`pragma cache_size`;
  const { rows } = await query.execute(storage.db);
  return Number(rows[0]![name]);
}

// SQLite's memory sizes (database.sqlite.*) are about the SQLite file, whichever dialect the suite runs on.
describe('SQLite memory sizes from the configuration', () => {
  let dataDir: string;
  let storage: Storage | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bastion-sqlite-memory-'));
  });
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the database opened by openStorage maps database.sqlite.mmapMb MiB and caches database.sqlite.cacheMb MiB', async () => {
    const env = {
      BASTION_DATA_DIR: dataDir,
      BASTION_DATABASE_SQLITE_MMAP_MB: '32',
      BASTION_DATABASE_SQLITE_CACHE_MB: '8',
    };
    storage = openStorage(loadConfig({ env, cwd: dataDir }));
    expect(await pragma(storage, 'mmap_size')).toBe(32 * 1024 * 1024);
    expect(await pragma(storage, 'cache_size')).toBe(-8 * 1024);
  });

  it('sizes written in bastion.config.json reach SQLite too', async () => {
    const config = { database: { sqlite: { mmapMb: 1024, cacheMb: 64 } } };
    writeFileSync(join(dataDir, 'bastion.config.json'), JSON.stringify(config));
    storage = openStorage(loadConfig({ env: { BASTION_DATA_DIR: dataDir }, cwd: dataDir }));
    expect(await pragma(storage, 'mmap_size')).toBe(1024 * 1024 * 1024);
    expect(await pragma(storage, 'cache_size')).toBe(-64 * 1024);
  });

  it('the defaults are no map and a 16 MiB page cache', async () => {
    storage = openStorage(loadConfig({ env: { BASTION_DATA_DIR: dataDir }, cwd: dataDir }));
    expect(await pragma(storage, 'mmap_size')).toBe(0);
    expect(await pragma(storage, 'cache_size')).toBe(-16 * 1024);
  });

  it('openSqlite refuses a size that is not a whole number of MiB before writing it into a PRAGMA', () => {
    const file = join(dataDir, 'bastion.db');
    expect(() => openSqlite(file, { mmapMb: 1.5, cacheMb: 16 })).toThrow(/database\.sqlite\.mmapMb/);
    expect(() => openSqlite(file, { mmapMb: 0, cacheMb: Number.NaN })).toThrow(/database\.sqlite\.cacheMb/);
    expect(() => openSqlite(file, { mmapMb: -1, cacheMb: 16 })).toThrow(/database\.sqlite\.mmapMb/);
  });
});
