import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBastion, type Bastion } from '../src/app/bastion.js';
import { buildHttpApp } from '../src/http/app.js';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { createTestBastion, ManualClock, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { eventually, until } from './support/eventually.js';
import { adminSession, type Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import { BIN, requireBuiltCli } from './support/serve-process.js';

const run = promisify(execFile);

/**
 * The session cache (identity/session-cache) must never let a session outlive a change to it: every way a
 * session ends or loses rights is refused on the very next request, after the session has been read (and so
 * cached) by earlier requests. Across processes on PostgreSQL the news travels by NOTIFY, so the other
 * instance is polled for a bounded time; on SQLite the next request sees it at once.
 */
describe(`session cache invalidation (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    // A long TTL, so that a refusal below can only come from invalidation, never from an entry timing out.
    t = await createTestBastion({ BASTION_SESSION_CACHE_SECONDS: '300', BASTION_SESSION_IDLE_MINUTES: '120' }, clock);
    app = await buildHttpApp(t.bastion);
  });
  afterEach(async () => {
    await app.close();
    await t.destroy();
  });

  const get = (target: FastifyInstance, url: string, session: Session) =>
    target.inject({ method: 'GET', url, headers: session.headers });
  const me = (session: Session, target = app) => get(target, '/api/auth/me', session);

  /** Reads with the session a few times: the first read fills the cache, the others are answered from it. */
  async function warm(session: Session, url = '/api/auth/me', target = app): Promise<void> {
    for (let i = 0; i < 3; i++) expect((await get(target, url, session)).statusCode).toBe(200);
  }

  const consoleRun = (command: string, input: unknown, bastion: Bastion = t.bastion) =>
    bastion.pipeline.execute(command, input, CONSOLE_ACTOR, CLI_ORIGIN);

  it('refuses a cached session on the request right after its logout', async () => {
    const operator = await makeUser(t.bastion, app, { username: 'olga', roles: [{ role: 'operator' }] });
    const session = await sessionOf(app, operator);
    await warm(session);
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: session.headers })).statusCode).toBe(
      200,
    );
    expect((await me(session)).statusCode).toBe(401);
  });

  it('refuses every cached session of an account on the request right after an administrator revokes them', async () => {
    const operator = await makeUser(t.bastion, app, { username: 'oskar', roles: [{ role: 'operator' }] });
    const sessions = [await sessionOf(app, operator), await sessionOf(app, operator)];
    for (const session of sessions) await warm(session);
    const admin = await adminSession(app, t);
    const revoke = await app.inject({
      method: 'POST',
      url: `/api/users/${operator.id}/sessions/revoke`,
      headers: admin.headers,
    });
    expect(revoke.json()).toEqual({ ended: 2 });
    for (const session of sessions) expect((await me(session)).statusCode).toBe(401);
  });

  it('takes a revoked role away from a cached session on the next request (403), leaving its other rights', async () => {
    const reader = await makeUser(t.bastion, app, { username: 'ada', roles: [{ role: 'auditor' }] });
    const session = await sessionOf(app, reader);
    await warm(session, '/api/users');
    await consoleRun('identity.revoke', { userId: reader.id, role: 'auditor', scope: '/' });
    expect((await get(app, '/api/users', session)).statusCode).toBe(403);
    expect((await me(session)).statusCode).toBe(200);
  });

  it('gives a new role to a cached session on the next request', async () => {
    const reader = await makeUser(t.bastion, app, { username: 'abe', roles: [{ role: 'operator' }] });
    const session = await sessionOf(app, reader);
    expect((await get(app, '/api/users', session)).statusCode).toBe(403);
    await warm(session);
    await consoleRun('identity.grant', { userId: reader.id, role: 'auditor', scope: '/' });
    expect((await get(app, '/api/users', session)).statusCode).toBe(200);
  });

  it("ends an account's other cached sessions on the request right after its password change", async () => {
    const operator = await makeUser(t.bastion, app, { username: 'pia', roles: [{ role: 'operator' }] });
    const [changer, other] = [await sessionOf(app, operator), await sessionOf(app, operator)];
    await warm(changer);
    await warm(other);
    const changed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: changer.headers,
      payload: { currentPassword: operator.password, newPassword: 'a whole new battery staple 77' },
    });
    expect(changed.statusCode).toBe(200);
    expect((await me(other)).statusCode).toBe(401);
    expect((await me(changer)).statusCode).toBe(200);
  });

  it('judges idle timeout and grant expiry from cached facts against each request’s time', async () => {
    const reader = await makeUser(t.bastion, app, { username: 'gus', roles: [{ role: 'operator' }] });
    const expiresAt = new Date(clock.now() + 120_000).toISOString();
    await consoleRun('identity.grant', { userId: reader.id, role: 'auditor', scope: '/', expiresAt });
    const session = await sessionOf(app, reader);
    await warm(session, '/api/users');
    clock.advance(150_000); // past the grant's expiry, well within the cache's 300 s
    expect((await get(app, '/api/users', session)).statusCode).toBe(403);
    expect((await me(session)).statusCode).toBe(200);
    clock.advance(121 * 60_000); // past the 120-minute idle timeout
    expect((await me(session)).statusCode).toBe(401);
  });

  it('refuses a cached session at once after `bastion users disable` in another process on the same database', async () => {
    requireBuiltCli();
    const operator = await makeUser(t.bastion, app, { username: 'dora', roles: [{ role: 'operator' }] });
    const session = await sessionOf(app, operator);
    await warm(session);
    const disabled = await run(process.execPath, [BIN, 'users', 'disable', 'dora'], {
      env: { ...process.env, ...t.env },
    });
    expect(disabled.stdout).toMatch(/Disabled dora/);
    // SQLite: the other process's commit changes the file's data_version, read before the cache answers.
    // PostgreSQL: its NOTIFY arrives on this instance's listening connection shortly after the commit.
    const status = async () => (await me(session)).statusCode;
    if (testDialect === 'sqlite') expect(await status()).toBe(401);
    else expect(await eventually(status, (code) => code === 401, 5000)).toBe(401);
  });

  describe.runIf(testDialect === 'postgres')('two instances on one PostgreSQL database', () => {
    let other: Bastion;
    let otherApp: FastifyInstance;

    beforeEach(async () => {
      other = await openBastion(t.config, { logger: t.logger });
      otherApp = await buildHttpApp(other);
    });
    afterEach(async () => {
      await otherApp.close();
      await other.close();
    });

    const listeners = async (client: pg.Client) =>
      (
        await client.query<{ pid: number }>(
          `select pid from pg_stat_activity where application_name = 'bastion-session-listener' and datname = current_database()`,
        )
      ).rows.map((row) => row.pid);

    it('refuses, on the other instance, a session revoked on this one, as soon as the notification arrives', async () => {
      const operator = await makeUser(t.bastion, app, { username: 'nils', roles: [{ role: 'operator' }] });
      const session = await sessionOf(app, operator);
      await warm(session, '/api/auth/me', otherApp);
      const admin = await adminSession(app, t);
      await app.inject({ method: 'POST', url: `/api/users/${operator.id}/sessions/revoke`, headers: admin.headers });
      expect((await me(session)).statusCode).toBe(401);
      const status = async () => (await me(session, otherApp)).statusCode;
      expect(await eventually(status, (code) => code === 401, 5000)).toBe(401);
    });

    it('starts from an empty cache when its listening connection is lost and listens again (a change missed meanwhile is seen)', async () => {
      const operator = await makeUser(t.bastion, app, { username: 'lena', roles: [{ role: 'operator' }] });
      const session = await sessionOf(app, operator);
      await warm(session, '/api/auth/me', otherApp);
      const client = new pg.Client({ connectionString: t.env.BASTION_DATABASE_URL });
      await client.connect();
      try {
        const before = await listeners(client);
        expect(before.length).toBeGreaterThan(0);
        for (const pid of before) await client.query('select pg_terminate_backend($1)', [pid]);
        // A change no notification announces, as if made while nobody listened.
        await client.query('update sessions set revoked_at = $1 where user_id = $2', [clock.now(), operator.id]);
        // Only the other instance is asked from here on: a new listener can only be its own.
        await until(async () => {
          await me(session, otherApp); // a request is what makes it listen again
          const now = await listeners(client);
          return now.some((pid) => !before.includes(pid)) ? true : undefined;
        }, 'a new listening connection');
        expect((await me(session, otherApp)).statusCode).toBe(401);
      } finally {
        await client.end();
      }
    });
  });
});
