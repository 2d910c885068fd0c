import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testEnvironment } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { freePort } from './support/eventually.js';
import { exitOf, killIfRunning, requireBuiltCli, serveProcess } from './support/serve-process.js';

// Issue 12, item 3: `demo reset` deleted the database of a server running on the same data directory.
describe(`demo reset and the processes using its data directory (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let child: ChildProcess | undefined;
  let url: string;

  beforeAll(() => requireBuiltCli());
  beforeEach(async () => {
    const made = await testEnvironment({ BASTION_HTTP_PLAIN: 'true' });
    ({ env, dataDir, cleanup } = made);
    const port = await freePort();
    env.BASTION_PORT = String(port);
    url = `http://127.0.0.1:${port}`;
    const init = await cli(['init', '--demo'], env);
    expect(init.code, init.stderr).toBe(0);
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = exitOf(child);
      killIfRunning(child);
      await exited;
    }
    child = undefined;
    await cleanup();
  });

  const serve = () => serveProcess(env, { spawned: (c) => (child = c) });
  const lockFiles = () => readdirSync(join(dataDir, 'locks'));
  const usersOf = async () => (await cli(['users', 'list'], env)).stdout;

  it('refuses to reset while a server serves the directory, naming its pid, and the server keeps its data', async () => {
    await serve();
    const before = await usersOf();
    expect(before).toContain('admin');

    const reset = await cli(['demo', 'reset'], env);
    expect(reset.code).toBe(1);
    expect(reset.stderr.trim().split('\n')).toHaveLength(1);
    expect(reset.stderr).toContain(`in use by a running Bastion process (pid ${child!.pid})`);
    expect(reset.stdout).not.toContain('Dropped');
    expect(reset.stdout).not.toContain('Deleted');

    if (testDialect === 'sqlite') expect(existsSync(join(dataDir, 'bastion.db'))).toBe(true);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: expect.stringMatching(/^(ready|degraded)$/) });
    // A CLI verb shares the directory with the server, and the accounts are the ones seeded before.
    expect(await usersOf()).toBe(before);
    expect(lockFiles()).toEqual([`shared-${child!.pid}.json`]);
  });

  it('resets once the server has stopped on SIGTERM, and leaves no lock behind', async () => {
    await serve();
    child!.kill('SIGTERM');
    expect(await exitOf(child!)).toBe(0);
    expect(lockFiles()).toEqual([]);

    const reset = await cli(['demo', 'reset'], env);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/(Dropped|Deleted) the demo's/);
    expect(lockFiles()).toEqual([]);
  });

  it('takes over the stale lock of a server killed with SIGKILL, and resets', async () => {
    await serve();
    const pid = child!.pid!;
    child!.kill('SIGKILL');
    expect(await exitOf(child!)).toBeNull();
    // The killed server could not remove its file: it is still there, naming a process that is gone.
    expect(lockFiles()).toEqual([`shared-${pid}.json`]);
    expect(JSON.parse(readFileSync(join(dataDir, 'locks', `shared-${pid}.json`), 'utf8'))).toMatchObject({ pid });

    const reset = await cli(['demo', 'reset'], env);
    expect(reset.code, reset.stderr).toBe(0);
    expect(lockFiles()).toEqual([]);
  });

  it('refuses to start a server while a live process holds the directory for a reset, and starts once it is stale', async () => {
    // This test's own process plays the reset: a live pid with its real start time.
    const started = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const startTime = started.slice(started.lastIndexOf(')') + 2).split(' ')[19]!;
    const exclusive = join(dataDir, 'locks', 'exclusive.json');
    const holder = { pid: process.pid, started: startTime, mode: 'exclusive', since: new Date().toISOString() };
    writeFileSync(exclusive, JSON.stringify(holder));

    const refused = await serve().then(
      () => 'served',
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/exited with 1: .*is being reset by "bastion demo reset" \(pid \d+\)/s);
    expect(lockFiles()).toEqual(['exclusive.json']);

    // Same pid, another start time: the pid was reused by an unrelated process, so the file is stale.
    writeFileSync(exclusive, JSON.stringify({ ...holder, started: '1' }));
    await serve();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
