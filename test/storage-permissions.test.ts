import { chmodSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBastion, type Bastion } from '../src/app/bastion.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { appendNotes } from './support/records.js';

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

// Issue 10, item 8. The database files are SQLite's whichever dialect the suite runs on, so this test always
// uses SQLite: it drops the suite's PostgreSQL URL from the environment.
describe(`database files are owner-only (SQLite, suite on ${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let bastion: Bastion | undefined;
  let umask: number;

  beforeEach(async () => {
    ({ env, dataDir, cleanup } = await testEnvironment());
    delete env.BASTION_DATABASE_URL;
    chmodSync(dataDir, 0o777);
    umask = process.umask(0o000);
  });
  afterEach(async () => {
    process.umask(umask);
    await bastion?.close();
    await cleanup();
  });

  it('creates bastion.db, -wal and -shm 0600 under umask 000 in a 0777 data directory, and tightens older files', async () => {
    const init = await cli(['init'], env);
    expect(init.code, init.stderr).toBe(0);
    const db = join(dataDir, 'bastion.db');
    expect(modeOf(db)).toBe('600');

    chmodSync(db, 0o644); // as an older version left it
    bastion = await openBastion(loadConfig({ env, cwd: dataDir }));
    await appendNotes(bastion, 3); // a write: the WAL and shared-memory files exist while the database is open
    const files = [db, `${db}-wal`, `${db}-shm`];
    expect(files.filter((file) => existsSync(file))).toEqual(files);
    expect(files.map(modeOf)).toEqual(['600', '600', '600']);
  });
});
