import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { accessMatrix } from '../src/modules/identity/matrix.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, totpNow, type Session } from './support/http.js';
import { defineRole, enrolledSession, makeUser, sessionOf, type TestUser } from './support/identity.js';
import { seedPlant } from './support/plant.js';

// IEC 62443-3-3 SR 2.1 (RE2 roles, RE3 supervisor override, RE4 dual approval); OWASP ASVS V4.
describe(`authorization (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let operator: TestUser;
  let operatorSession: Session;
  let officer: TestUser;
  let officerSession: Session;

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    operator = await makeUser(t.bastion, app, {
      username: 'oscar',
      roles: [{ role: 'operator', scope: '/site-1/area-1/line-1' }],
    });
    operatorSession = await sessionOf(app, operator);
    officer = await makeUser(t.bastion, app, {
      username: 'sofia',
      roles: [{ role: 'security-officer', scope: '/site-1' }],
    });
    officerSession = await enrolledSession(app, officer);
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  const grant = (session: Session, payload: object) =>
    app.inject({ method: 'POST', url: '/api/grants', headers: session.headers, payload });

  it('refuses an operator an administrative route', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: operatorSession.headers,
      payload: { username: 'mallory', displayName: 'M' },
    });
    expect(response.statusCode).toBe(403);
    expect((await app.inject({ url: '/api/users', headers: operatorSession.headers })).statusCode).toBe(403);
  });

  it('lets a scoped role act inside its scope only (inherited downward)', async () => {
    const inside = await grant(officerSession, {
      userId: operator.id,
      role: 'maintenance',
      scope: '/site-1/area-1/line-2',
    });
    expect(inside.statusCode).toBe(200);
    const outside = await grant(officerSession, { userId: operator.id, role: 'maintenance', scope: '/site-2' });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().detail).toContain('/site-2');
    const above = await grant(officerSession, { userId: operator.id, role: 'maintenance', scope: '/' });
    expect(above.statusCode).toBe(403);
  });

  it('holds a grant of any role to oneself for another approver; the author cannot approve it', async () => {
    const self = await grant(officerSession, { userId: officer.id, role: 'quality', scope: '/site-1' });
    expect(self.statusCode).toBe(202);
    const { approvalId } = self.json<{ approvalId: string }>();
    const own = await app.inject({
      method: 'POST',
      url: `/api/approvals/${approvalId}/approve`,
      headers: officerSession.headers,
    });
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe('separation_of_duties');
    const approved = await app.inject({
      method: 'POST',
      url: `/api/approvals/${approvalId}/approve`,
      headers: admin.headers,
    });
    expect(approved.statusCode).toBe(200);
    const grants = (await app.inject({ url: `/api/users/${officer.id}`, headers: admin.headers })).json<{
      grants: { role: string }[];
    }>().grants;
    expect(grants.map((g) => g.role)).toContain('quality');
  });

  it('never lets a role grant more than it holds, even when approved', async () => {
    const escalate = await grant(officerSession, { userId: operator.id, role: 'process-engineer', scope: '/site-1' });
    expect(escalate.statusCode).toBe(403);
    expect(escalate.json().code).toBe('privilege_escalation');
    const toAdmin = await grant(officerSession, { userId: operator.id, role: 'administrator', scope: '/site-1' });
    expect(toAdmin.statusCode).toBe(202);
    const decision = await app.inject({
      method: 'POST',
      url: `/api/approvals/${toAdmin.json().approvalId}/approve`,
      headers: admin.headers,
    });
    expect(decision.statusCode).toBe(403);
    expect(decision.json().code).toBe('privilege_escalation');
  });

  it('needs a second administrator to grant the administrator role (dual control)', async () => {
    const second = await makeUser(t.bastion, app, { username: 'adele' });
    await t.bastion.pipeline.execute(
      'identity.grant',
      { userId: second.id, role: 'administrator', scope: '/' },
      CONSOLE_ACTOR,
      CLI_ORIGIN,
    );
    const secondSession = await enrolledSession(app, second);
    const target = await makeUser(t.bastion, app, { username: 'arno' });
    const request = await grant(admin, { userId: target.id, role: 'administrator', scope: '/' });
    expect(request.statusCode).toBe(202);
    const id = request.json().approvalId as string;
    expect(
      (await app.inject({ method: 'POST', url: `/api/approvals/${id}/approve`, headers: admin.headers })).json().code,
    ).toBe('separation_of_duties');
    const byOfficer = await app.inject({
      method: 'POST',
      url: `/api/approvals/${id}/approve`,
      headers: officerSession.headers,
    });
    expect(byOfficer.statusCode).toBe(403); // holds identity.grants.manage only at /site-1
    const pending = await app.inject({ url: '/api/approvals', headers: admin.headers });
    const held = pending.json<{ approvals: { id: string; author: string | null; input: unknown }[] }>().approvals;
    const mine = held.find((a) => a.id === id);
    expect(mine?.input, 'the approver sees what is asked').toEqual({
      userId: target.id,
      role: 'administrator',
      scope: '/',
    });
    expect(mine?.author, 'and who asked').toMatch(/\w+/);
    const done = await app.inject({
      method: 'POST',
      url: `/api/approvals/${id}/approve`,
      headers: secondSession.headers,
    });
    expect(done.statusCode).toBe(200);
    const again = await app.inject({
      method: 'POST',
      url: `/api/approvals/${id}/approve`,
      headers: secondSession.headers,
    });
    expect(again.json().code).toBe('approval_closed');
    const records = (
      await app.inject({
        url: `/api/audit/records?action=identity.grant&targetId=${target.id}`,
        headers: admin.headers,
      })
    ).json<{ records: { record: { details: { approvedBy: string[] } } }[] }>().records;
    expect(records).toHaveLength(1);
    expect(records[0]!.record.details.approvedBy).toEqual([second.id]);
  });

  it('lets a supervisor authorise one blocked action for a limited time, with a reason', async () => {
    const supervisor = await makeUser(t.bastion, app, {
      username: 'susan',
      roles: [{ role: 'supervisor' }, { role: 'auditor' }],
    });
    const supervisorSession = await sessionOf(app, supervisor);
    const override = (session: Session, userId: string, permission = 'audit.read') =>
      app.inject({
        method: 'POST',
        url: '/api/overrides',
        headers: session.headers,
        payload: { userId, permission, scope: '/', minutes: 5, reason: 'line stop investigation' },
      });
    expect((await app.inject({ url: '/api/audit/records', headers: operatorSession.headers })).statusCode).toBe(403);
    expect((await override(supervisorSession, supervisor.id)).json().code).toBe('separation_of_duties');
    const granted = await override(supervisorSession, operator.id);
    expect(granted.statusCode).toBe(200);
    const minutesLeft = (Date.parse(granted.json().expiresAt) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(4);
    expect(minutesLeft).toBeLessThanOrEqual(5);
    expect((await app.inject({ url: '/api/audit/records', headers: operatorSession.headers })).statusCode).toBe(200);
    const live = (await app.inject({ url: '/api/overrides', headers: supervisorSession.headers })).json<{
      overrides: { id: string; username: string; grantedBy: string; reason: string }[];
    }>().overrides;
    expect(live.find((o) => o.id === granted.json().overrideId)).toMatchObject({
      grantedBy: 'susan',
      reason: 'line stop investigation',
    });
    const people = (await app.inject({ url: '/api/overrides/accounts', headers: supervisorSession.headers })).json<{
      accounts: { id: string }[];
    }>().accounts;
    expect(people.map((a) => a.id)).toContain(operator.id);
    expect((await app.inject({ url: '/api/overrides', headers: operatorSession.headers })).statusCode).toBe(403);
    const records = (
      await app.inject({ url: '/api/audit/records?action=identity.override', headers: admin.headers })
    ).json<{ records: { record: { details: { reason: string } } }[] }>().records;
    expect(records.at(-1)!.record.details.reason).toBe('line stop investigation');
    const plain = await makeUser(t.bastion, app, { username: 'simon', roles: [{ role: 'supervisor' }] });
    const escalate = await override(await sessionOf(app, plain), operator.id, 'audit.export');
    expect(escalate.json().code).toBe('privilege_escalation'); // cannot hand out what it does not hold
  });

  it('grants custom roles made of declared permissions, and refuses undeclared or public ones', async () => {
    const define = (role: { name: string; description: string; permissions: string[] }) => defineRole(app, admin, role);
    expect(
      (await define({ name: 'audit-reader', description: 'reads the audit log', permissions: ['audit.read'] }))
        .statusCode,
    ).toBe(200);
    expect((await define({ name: 'bad-role', description: 'x', permissions: ['audit.nothing'] })).statusCode).toBe(400);
    expect((await define({ name: 'open-role', description: 'x', permissions: ['system.health'] })).statusCode).toBe(
      400,
    );
    expect((await define({ name: 'operator', description: 'x', permissions: ['audit.read'] })).statusCode).toBe(409);
    const reader = await makeUser(t.bastion, app, { username: 'rhea' });
    const before = await sessionOf(app, reader);
    expect((await app.inject({ url: '/api/audit/records', headers: before.headers })).statusCode).toBe(403);
    expect((await grant(admin, { userId: reader.id, role: 'audit-reader', scope: '/' })).statusCode).toBe(200);
    const after = await sessionOf(app, reader);
    expect((await app.inject({ url: '/api/audit/records', headers: after.headers })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/audit/verification', headers: after.headers })).statusCode).toBe(403);
  });

  it('lists the built-in roles with their declared permissions and the custom roles defined since, to readers only', async () => {
    const created = await defineRole(app, admin, {
      name: 'line-reader',
      description: 'reads orders',
      permissions: ['production.orders.read'],
    });
    expect(created.statusCode, created.body).toBe(200);
    const listed = await app.inject({ url: '/api/roles', headers: officerSession.headers });
    expect(listed.statusCode, listed.body).toBe(200);
    const roles = listed.json<{
      roles: { name: string; builtIn: boolean; mfaRequired: boolean; permissions: string[] }[];
    }>().roles;
    const role = (name: string) => roles.find((r) => r.name === name);
    expect(role('auditor')).toMatchObject({ builtIn: true, mfaRequired: false });
    expect(role('auditor')!.permissions).toContain('audit.read');
    expect(role('operator')!.permissions).not.toContain('audit.read');
    expect(role('administrator')).toMatchObject({ builtIn: true, mfaRequired: true });
    expect(role('line-reader')).toEqual({
      name: 'line-reader',
      description: 'reads orders',
      builtIn: false,
      mfaRequired: false,
      permissions: ['production.orders.read'],
    });
    expect((await app.inject({ url: '/api/roles', headers: operatorSession.headers })).statusCode).toBe(403);
  });

  it('refuses a custom role with an empty, blank or undeclared permission name (400, never 500), and grants a role stored with one before', async () => {
    const define = (permissions: string[]) =>
      defineRole(app, admin, { name: 'fuzzed-role', description: 'x', permissions });
    for (const permissions of [[''], [' '], ['audit.read', ''], ['audit'], ['audit.nothing']]) {
      const response = await define(permissions);
      expect(response.statusCode, JSON.stringify(permissions)).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    }
    expect(
      (await grant(admin, { userId: operator.id, role: 'fuzzed-role', scope: '/' })).json().code,
      'no role was created',
    ).toBe('not_found');
    const override = await app.inject({
      method: 'POST',
      url: '/api/overrides',
      headers: admin.headers,
      payload: { userId: operator.id, permission: '', scope: '/', minutes: 5, reason: 'fuzzer input' },
    });
    expect(override.statusCode).toBe(400);
    // A role stored by an earlier version, with an empty name among its permissions: granting it must work.
    await t.bastion.storage.db
      .insertInto('custom_roles')
      .values({
        name: 'legacy-role',
        description: 'stored before names were checked',
        permissions: JSON.stringify(['', 'audit.read']),
        created_at: Date.now(),
        created_by: CONSOLE_ACTOR.id,
      })
      .execute();
    const holder = await makeUser(t.bastion, app, { username: 'lena' });
    const granted = await grant(admin, { userId: holder.id, role: 'legacy-role', scope: '/' });
    expect(granted.statusCode, granted.body).toBe(200);
    const session = await sessionOf(app, holder);
    expect((await app.inject({ url: '/api/audit/records', headers: session.headers })).statusCode).toBe(200);
  });

  it('lists every route and command in the permission matrix, with a declared permission', async () => {
    const matrix = (await app.inject({ url: '/api/access/matrix', headers: admin.headers })).json<
      ReturnType<typeof accessMatrix>
    >();
    const routes = new Set(matrix.permissions.flatMap((p) => p.routes));
    const openapi = (await app.inject({ url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    for (const [path, methods] of Object.entries(openapi.paths)) {
      for (const method of Object.keys(methods))
        expect(routes, `${method} ${path}`).toContain(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const commands = new Set(matrix.permissions.flatMap((p) => p.commands.map((c) => c.name)));
    for (const command of t.bastion.pipeline.list()) expect(commands).toContain(command.name);
    const row = (name: string) => matrix.permissions.find((p) => p.permission === name)!;
    expect(row('audit.read').holders).toEqual(expect.arrayContaining(['auditor', 'administrator']));
    expect(row('audit.read').holders).not.toContain('operator');
  });

  it('answers 401 to every non-public route without a session, 403 to an operator on every privileged one', async () => {
    const catalog = t.bastion.permissions;
    const fresh = await sessionOf(
      app,
      await makeUser(t.bastion, app, {
        username: 'ulrich',
        roles: [{ role: 'operator', scope: '/site-1/area-1/line-1' }],
      }),
    );
    let checked = 0;
    for (const route of app.routeTable) {
      const definition = catalog.get(route.permission)!;
      if (definition.public) continue;
      const url = route.url.replace(/:(\w+)/g, '00000000-0000-7000-8000-000000000000');
      const method = route.method as 'GET' | 'POST' | 'DELETE';
      const anonymous = await app.inject({ method, url, payload: method === 'GET' ? undefined : {} });
      expect(anonymous.statusCode, `${route.method} ${route.url}`).toBe(401);
      if (definition.everyone || (definition.roles ?? []).includes('operator')) continue;
      const asOperator = await app.inject({
        method,
        url,
        headers: fresh.headers,
        payload: method === 'GET' ? undefined : {},
      });
      expect(asOperator.statusCode, `${route.method} ${route.url}: ${asOperator.body}`).toBe(403);
      checked++;
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('accepts a TOTP code made by an independent implementation (oathtool)', async () => {
    const { spawnSync } = await import('node:child_process');
    const engineer = await makeUser(t.bastion, app, { username: 'olaf', roles: [{ role: 'process-engineer' }] });
    const session = await sessionOf(app, engineer);
    const enrol = await app.inject({ method: 'POST', url: '/api/auth/mfa/enrol', headers: session.headers });
    const { secret } = enrol.json<{ secret: string }>();
    const code = spawnSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).stdout.trim();
    expect(code).toMatch(/^\d{6}$/);
    expect(code).toBe(totpNow(secret));
    const confirm = await app.inject({
      method: 'POST',
      url: '/api/auth/mfa/confirm',
      headers: session.headers,
      payload: { code },
    });
    expect(confirm.statusCode).toBe(200);
  });
});
