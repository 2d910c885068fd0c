import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../src/http/index.js';
import type { TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, httpTestBastion, login } from './support/http.js';
import { defineRole, makeUser, type TestUser } from './support/identity.js';

// What the web application asks at every load: who is signed in, what may they do, and the CSRF token of
// the session cookie (the page keeps it in memory only, so after a reload it must be able to ask again).
describe(`the signed-in account as the browser sees it (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let operator: TestUser;
  beforeAll(async () => {
    ({ t, app } = await httpTestBastion());
    operator = await makeUser(t.bastion, app, { username: 'olga', roles: [{ role: 'operator' }] });
  });
  afterAll(async () => {
    await app?.close();
    await t?.destroy();
  });

  const cookieOf = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });

  it('gives the cookie session its CSRF token again, which then authorises a state change, while a wrong one is refused', async () => {
    const session = await login(app, operator.username, operator.password);
    const me = await app.inject({ url: '/api/auth/me', headers: cookieOf(session.token) });
    expect(me.statusCode).toBe(200);
    expect(me.json().csrfToken).toBe(session.csrfToken);

    const forged = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...cookieOf(session.token), 'x-csrf-token': `${session.csrfToken.slice(0, -2)}xx` },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().code).toBe('csrf_token_invalid');

    const ended = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...cookieOf(session.token), 'x-csrf-token': me.json().csrfToken },
    });
    expect(ended.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/auth/me', headers: cookieOf(session.token) })).statusCode).toBe(401);
  });

  it('gives no CSRF token to a bearer-token client, which needs none', async () => {
    const session = await login(app, operator.username, operator.password);
    const me = await app.inject({ url: '/api/auth/me', headers: session.headers });
    expect(me.json().csrfToken).toBeUndefined();
  });

  it('names the account, its idle timeout and exactly the permissions its role holds', async () => {
    const session = await login(app, operator.username, operator.password);
    const me = (await app.inject({ url: '/api/auth/me', headers: session.headers })).json();
    expect(me.username).toBe('olga');
    expect(me.displayName).toBe('Test olga');
    expect(me.idleMinutes).toBe(t.config.session.idleMinutes);
    expect(me.permissions).toContain('production.orders.execute');
    expect(me.permissions).toContain('identity.me.read');
    expect(me.permissions).not.toContain('identity.users.manage');
    expect(me.permissions).not.toContain('audit.read');
    expect(me.permissions).not.toContain('identity.session.create'); // public: not a grant of the role
  });

  it("lists each account exactly its own role set's permissions, and a custom role granted to a live session at its next request", async () => {
    const admin = await adminSession(app, t);
    const defined = await defineRole(app, admin, {
      name: 'me-audit-reader',
      description: 'reads the audit log',
      permissions: ['audit.read'],
    });
    expect(defined.statusCode, defined.body).toBe(200);
    const reader = await makeUser(t.bastion, app, { username: 'rita' });
    const readerSession = await login(app, reader.username, reader.password);
    const permissionsOf = async (headers: Record<string, string>) =>
      (await app.inject({ url: '/api/auth/me', headers })).json<{ permissions: string[] }>().permissions;

    const without = await permissionsOf(readerSession.headers);
    expect(without).not.toContain('audit.read');
    expect(without).toEqual([...without].sort());
    const operatorList = await permissionsOf((await login(app, operator.username, operator.password)).headers);
    expect(operatorList).toContain('production.orders.execute');

    const granted = await app.inject({
      method: 'POST',
      url: '/api/grants',
      headers: admin.headers,
      payload: { userId: reader.id, role: 'me-audit-reader', scope: '/' },
    });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(await permissionsOf(readerSession.headers)).toEqual([...without, 'audit.read'].sort());
    // Another role set asking in between changes nothing for the first.
    const operatorAgain = await permissionsOf((await login(app, operator.username, operator.password)).headers);
    expect(operatorAgain).toEqual(operatorList);
    expect(operatorAgain).not.toContain('audit.read');
  });
});
