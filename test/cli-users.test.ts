import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allModules } from '../src/app/registry.js';
import { loadConfig } from '../src/kernel/config/load.js';
import type { AccessMatrix } from '../src/modules/identity/matrix.js';
import { openStorage } from '../src/storage/open.js';
import { testEnvironment } from './support/bastion.js';
import { cli, type CliRun } from './support/cli.js';
import { testDialect } from './support/database.js';
import { seedPlantIn } from './support/plant.js';

interface Listed {
  id: string;
  username: string;
  kind: string;
  vendor: boolean;
  disabled: boolean;
  locked: boolean;
  expiresAt: string | null;
  mustChangePassword: boolean;
  mfaEnrolled: boolean;
  grants: { role: string; scope: string }[];
}

const oneTimePassword = (run: CliRun) => run.stdout.match(/One-time password \(shown once.*\): (\S+)/)?.[1];
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A refusal is one line on stderr with the given exit code. */
function expectRefused(run: CliRun, code: number, mentions: RegExp): void {
  expect(run.code, run.stderr).toBe(code);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^bastion: /);
  expect(run.stderr).toMatch(mentions);
}

describe(`bastion users and access (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ env, dataDir, cleanup } = await testEnvironment());
    expect((await cli(['init'], env)).code).toBe(0);
    await seedPlantIn(env, dataDir);
  });
  afterEach(() => cleanup());

  const ok = async (args: string[]) => {
    const run = await cli(args, env);
    expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
    return run;
  };
  const listed = async (username: string) =>
    (JSON.parse((await ok(['users', 'list', '--json'])).stdout) as { users: Listed[] }).users.find(
      (u) => u.username === username,
    );
  /** Works on the database directly, as an auditor or an attacker with the files would. */
  const withDb = async <T>(work: (db: ReturnType<typeof openStorage>['db']) => Promise<T>) => {
    const storage = openStorage(loadConfig({ env, cwd: dataDir }));
    try {
      return await work(storage.db);
    } finally {
      await storage.close();
    }
  };
  const audited = (action: string) =>
    withDb(async (db) => {
      const rows = await db
        .selectFrom('audit_records')
        .select('body')
        .where('body', 'like', `%"action":"${action}"%`)
        .execute();
      return rows.filter((r: { body: string }) => r.body.includes('"outcome":"success"')).length;
    });

  it('adds an account with a one-time password shown once, and refuses a taken user name', async () => {
    const added = await ok(['users', 'add', 'alice', '--name', 'Alice Example']);
    expect(oneTimePassword(added)).toMatch(/^[A-Za-z0-9]{20}$/);
    const alice = await listed('alice');
    expect(alice).toMatchObject({ kind: 'human', vendor: false, disabled: false, mustChangePassword: true });
    expect(added.stdout).toContain(alice!.id);
    expect(await audited('identity.user.create')).toBe(1);
    const table = await ok(['users', 'list']);
    expect(table.stdout).toMatch(/^USERNAME\s+ID\s+KIND\s+DISABLED\s+LOCKED\s+MFA\s+EXPIRES$/m);
    expect(table.stdout).toMatch(/^alice\s/m);
    expect(table.stdout).not.toContain(oneTimePassword(added));

    expectRefused(await cli(['users', 'add', 'alice', '--name', 'Again'], env), 1, /taken/);
    expectRefused(await cli(['users', 'add', 'bad name', '--name', 'X'], env), 1, /username/);
    expect(await audited('identity.user.create')).toBe(1);
  });

  it('requires an expiry within 90 days for vendor accounts', async () => {
    expectRefused(await cli(['users', 'add', 'vend', '--name', 'V', '--vendor'], env), 1, /expiry/);
    const far = ['users', 'add', 'vend', '--name', 'V', '--vendor', '--expires', inDays(120)];
    expectRefused(await cli(far, env), 1, /expiry/);
    expectRefused(await cli(['users', 'add', 'vend', '--name', 'V', '--expires', 'tomorrow'], env), 1, /expiresAt/);
    expect(await listed('vend')).toBeUndefined();
    await ok(['users', 'add', 'vend', '--name', 'V', '--vendor', '--kind', 'service', '--expires', inDays(30)]);
    expect(await listed('vend')).toMatchObject({ vendor: true, kind: 'service', expiresAt: expect.any(String) });
  });

  it('disables, enables, unlocks, resets and expires accounts, auditing each change', async () => {
    const first = oneTimePassword(await ok(['users', 'add', 'bob', '--name', 'Bob']));
    await ok(['users', 'disable', 'bob']);
    expect(await listed('bob')).toMatchObject({ disabled: true });
    await ok(['users', 'enable', 'bob']);
    expect(await listed('bob')).toMatchObject({ disabled: false });
    await withDb((db) =>
      db
        .updateTable('users')
        .set({ locked_until: Date.now() + 3_600_000, failed_logins: 5 })
        .where('username', '=', 'bob')
        .execute(),
    );
    expect(await listed('bob')).toMatchObject({ locked: true });
    await ok(['users', 'unlock', 'bob']);
    expect(await listed('bob')).toMatchObject({ locked: false });
    const second = oneTimePassword(await ok(['users', 'reset', 'bob']));
    expect(second).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(second).not.toBe(first);
    await ok(['users', 'expire', 'bob']);
    expect(Date.parse((await listed('bob'))!.expiresAt!)).toBeLessThanOrEqual(Date.now());
    for (const action of ['disable', 'enable', 'unlock', 'reset', 'expire'])
      expect(await audited(`identity.user.${action}`), action).toBe(1);

    expectRefused(await cli(['users', 'disable', 'ghost'], env), 1, /no account named ghost/);
    // The console's changes are signed at once, with no server running to sign them.
    expect((await ok(['audit', 'verify'])).stdout).toContain('0 records after it');
  });

  it('recovers an administrator who lost the second factor from the console: password, authenticator, lock and status changed without a second approver, audited as the console', async () => {
    await withDb((db) =>
      db.updateTable('users').set({ totp_enabled: 1, totp_secret: 'sealed' }).where('username', '=', 'admin').execute(),
    );
    expect(await listed('admin')).toMatchObject({ mfaEnrolled: true });
    const reset = await ok(['users', 'reset', 'admin']);
    expect(oneTimePassword(reset)).toMatch(/^[A-Za-z0-9]{20}$/);
    const removed = await ok(['users', 'mfa-reset', 'admin']);
    expect(removed.stdout).toContain('Removed the authenticator and recovery codes of admin');
    expect(await listed('admin')).toMatchObject({ mfaEnrolled: false, mustChangePassword: true });
    const byConsole = await withDb((db) =>
      db.selectFrom('audit_records').select('body').where('body', 'like', '%"action":"identity.mfa.reset"%').execute(),
    );
    expect(byConsole).toHaveLength(1);
    expect(byConsole[0]!.body).toContain('"kind":"console"');
    expect(byConsole[0]!.body).toContain('"outcome":"success"');
    expectRefused(await cli(['users', 'mfa-reset', 'ghost'], env), 1, /no account named ghost/);
    // The console acts on an administrator's account at once (no approval is printed as pending).
    for (const change of ['disable', 'enable', 'unlock', 'expire']) await ok(['users', change, 'admin']);
    expect(await listed('admin')).toMatchObject({ disabled: false, expiresAt: expect.any(String) });
  });

  it('grants and revokes roles at a scope, refusing a bad scope', async () => {
    await ok(['users', 'add', 'carol', '--name', 'Carol']);
    await ok(['users', 'grant', 'carol', 'operator', '--scope', '/site-1/area-1/line-2', '--expires', inDays(10)]);
    await ok(['users', 'grant', 'carol', 'auditor']);
    expect((await listed('carol'))!.grants).toEqual(
      expect.arrayContaining([
        { role: 'operator', scope: '/site-1/area-1/line-2' },
        { role: 'auditor', scope: '/' },
      ]),
    );
    await ok(['users', 'revoke', 'carol', 'operator', '--scope', '/site-1/area-1/line-2']);
    expect((await listed('carol'))!.grants).toEqual([{ role: 'auditor', scope: '/' }]);
    expect(await audited('identity.grant')).toBe(2);
    expect(await audited('identity.revoke')).toBe(1);

    expectRefused(
      await cli(['users', 'revoke', 'carol', 'operator', '--scope', '/site-1/area-1/line-2'], env),
      1,
      /holds no/,
    );
    const badScope = await cli(['users', 'grant', 'carol', 'operator', '--scope', 'site'], env);
    expectRefused(badScope, badScope.code === 2 ? 2 : 1, /scope/);
    expectRefused(await cli(['users', 'grant', 'carol', 'wizard'], env), 1, /No role wizard/);
    expectRefused(await cli(['users', 'grant', 'nobody', 'operator'], env), 1, /no account named nobody/);
    expect(await audited('identity.grant')).toBe(2);
  });

  it('prints the access matrix with every permission and the routes of each', async () => {
    const matrix = JSON.parse((await ok(['access', 'matrix', '--json'])).stdout) as AccessMatrix;
    const declared = allModules().flatMap((m) => m.permissions.map((p) => p.name));
    expect(matrix.permissions.map((p) => p.permission).sort()).toEqual([...declared].sort());
    const routes = matrix.permissions.flatMap((p) => p.routes);
    expect(routes.length).toBeGreaterThan(10);
    expect(new Set(routes).size).toBe(routes.length); // each route under exactly one permission
    for (const route of routes) expect(route).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/);
    const usersRead = matrix.permissions.find((p) => p.permission === 'identity.users.read')!;
    expect(usersRead.routes).toContain('GET /api/users');
    expect(usersRead).toMatchObject({ console: true, holders: expect.arrayContaining(['auditor']) });

    const table = await ok(['access', 'matrix']);
    expect(table.stdout).toMatch(/^PERMISSION\s+HOLDERS\s+COMMANDS\s+ROUTES$/m);
    expect(table.stdout).toMatch(/^identity\.users\.read\s.*GET \/api\/users$/m);
  });
});

describe('bastion users and access: arguments and help', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;

  beforeEach(async () => ({ env, cleanup } = await testEnvironment()));
  afterEach(() => cleanup());

  it('gives --help on every new verb', async () => {
    for (const verb of ['users', 'access']
      .map((v) => [v])
      .concat(
        ['add', 'list', 'disable', 'enable', 'unlock', 'expire', 'reset', 'mfa-reset', 'grant', 'revoke'].map((v) => [
          'users',
          v,
        ]),
        [['access', 'matrix']],
      )) {
      const run = await cli([...verb, '--help'], env);
      expect(run.code, verb.join(' ')).toBe(0);
      expect(run.stdout).toContain(`Usage: bastion ${verb.join(' ')}`);
    }
  });

  it('answers bad arguments with exit code 2 and an uninitialised directory with 4', async () => {
    for (const args of [
      ['users', 'add', 'x'],
      ['users', 'add', 'x', '--name', 'X', '--kind', 'robot'],
      ['users', 'grant', 'x'],
      ['users', 'frobnicate'],
      ['access', 'matrix', '--bogus'],
    ])
      expectRefused(await cli(args, env), 2, /^bastion: /);
    expectRefused(await cli(['users', 'list'], env), 4, /bastion init/);
    expectRefused(await cli(['access', 'matrix'], env), 4, /bastion init/);
  });
});
