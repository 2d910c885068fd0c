import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEnvironment } from './support/bastion.js';
import { cli, serveOnce } from './support/cli.js';
import { freePort } from './support/eventually.js';

/** A directory on another file system than the temporary directory (tmpfs /dev/shm on Linux). */
function otherFileSystem(): string {
  const here = statSync(tmpdir()).dev;
  const candidate = ['/dev/shm', '/run/shm', '/run/user'].find((d) => {
    try {
      return statSync(d).dev !== here;
    } catch {
      return false;
    }
  });
  if (candidate === undefined)
    throw new Error(`no directory on another file system than ${tmpdir()} to put a witness in`);
  return mkdtempSync(join(candidate, 'bastion-witness-'));
}

// Issue 10, item 9. The comparison needs a database file on this machine, so this runs on a SQLite file
// in both passes of the suite (for PostgreSQL, Bastion cannot see the server's disks and claims nothing).
describe('audit witnesses on the database file system (SQLite file)', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let remote: string | undefined;

  beforeEach(async () => {
    ({ env, cleanup } = await testEnvironment());
    delete env.BASTION_DATABASE_URL;
    env.BASTION_PORT = String(await freePort());
  });
  afterEach(async () => {
    await cleanup();
    if (remote !== undefined) rmSync(remote, { recursive: true, force: true });
  });

  it('serve warns at start and audit verify says "not independently witnessed" when every witness shares the database file system', async () => {
    const served = await serveOnce(env); // the default witness: data/witness, beside data/bastion.db
    expect(served.code).toBe(0);
    expect(served.stderr).toContain('warning: the audit log is not independently witnessed');
    const verify = await cli(['audit', 'verify'], env);
    expect(verify.code).toBe(0); // the log itself is intact
    expect(verify.stdout).toContain('audit log OK');
    expect(verify.stdout).toContain('not independently witnessed');
    expect(verify.stdout).toContain('a truncation with the witness files removed too cannot be detected');
    const json = await cli(['audit', 'verify', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ independentlyWitnessed: false });
  });

  it('says nothing of the kind when one witness directory is on another file system', async () => {
    remote = otherFileSystem();
    env.BASTION_AUDIT_WITNESS_DIRS = `${join(env.BASTION_DATA_DIR!, 'witness')},${remote}`;
    const served = await serveOnce(env);
    expect(served.code).toBe(0);
    expect(served.stderr).not.toContain('independently witnessed');
    const verify = await cli(['audit', 'verify'], env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).not.toContain('independently witnessed');
  });
});
