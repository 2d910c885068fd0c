import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, type Session } from './support/http.js';
import { enrolledSession, loginAttempt, makeUser, type TestUser } from './support/identity.js';
import { seedPlant } from './support/plant.js';

/**
 * Issue 10, item 1: acting on an account (reset, MFA reset, disable, enable, unlock, expire, session and role
 * revocation) takes what granting the account's roles would take; an administrator's account is acted on only
 * with a second administrator's approval; nobody resets their own password, authenticator or lock this way.
 * Each command is run through HTTP by each role that may manage accounts, against an administrator, a peer and
 * a lesser (shop-floor) account.
 */
describe(`acting on accounts: no takeover (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let approver: Session;
  const users: Record<string, TestUser> = {};
  const sessions: Record<string, Session> = {};

  const asConsole = (command: string, input: object) =>
    t.bastion.pipeline.execute(command, input, CONSOLE_ACTOR, CLI_ORIGIN);

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    // An account desk: a custom role holding the account-management permissions and nothing else.
    await asConsole('identity.role.define', {
      name: 'helpdesk',
      description: 'Account desk',
      permissions: [
        'identity.users.read',
        'identity.users.manage',
        'identity.sessions.revoke',
        'identity.grants.manage',
      ],
    });
    const specs: [string, string, string][] = [
      ['abel', 'administrator', '/'],
      ['adele', 'administrator', '/'],
      ['sofia', 'security-officer', '/'],
      ['selma', 'security-officer', '/'],
      ['sam', 'security-officer', '/site-1'],
      ['hank', 'helpdesk', '/'],
      ['hilda', 'helpdesk', '/'],
      ['oscar', 'operator', '/site-1/area-1/line-1'],
      ['audrey', 'auditor', '/'],
    ];
    for (const [username, role, scope] of specs)
      users[username] = await makeUser(t.bastion, app, { username, roles: [{ role, scope }] });
    for (const name of ['abel', 'sofia', 'sam', 'hank', 'audrey'])
      sessions[name] = await enrolledSession(app, users[name]!);
    approver = sessions.abel!;
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  /** Successful audit records of a command on an account: what really happened, whatever the answer said. */
  async function done(action: string, targetId: string): Promise<number> {
    const rows = await t.bastion.storage.db
      .selectFrom('audit_records')
      .select('body')
      .where('body', 'like', `%"action":"${action}"%`)
      .execute();
    return rows.filter((r) => r.body.includes('"outcome":"success"') && r.body.includes(targetId)).length;
  }

  interface AccountCommand {
    name: string;
    call(session: Session, target: TestUser): Promise<LightMyRequestResponse>;
  }
  const post = (url: string, session: Session, payload?: object) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });
  const onUser = (name: string, path: string): AccountCommand => ({
    name,
    call: (session, target) => post(`/api/users/${target.id}/${path}`, session),
  });
  const commands: AccountCommand[] = [
    onUser('identity.user.reset', 'reset'),
    onUser('identity.mfa.reset', 'mfa-reset'),
    onUser('identity.user.disable', 'disable'),
    onUser('identity.user.enable', 'enable'),
    onUser('identity.user.unlock', 'unlock'),
    onUser('identity.user.expire', 'expire'),
    onUser('identity.sessions.revoke', 'sessions/revoke'),
    {
      name: 'identity.revoke',
      async call(session, target) {
        await asConsole('identity.grant', { userId: target.id, role: 'auditor', scope: '/' });
        return post('/api/grants/revoke', session, { userId: target.id, role: 'auditor', scope: '/' });
      },
    },
  ];

  type Expected = 'allowed' | 'refused' | 'second administrator' | 'no permission';
  /** Actor → target → outcome. The administrator's peer is another administrator. */
  const expectations: [string, [string, Expected][]][] = [
    [
      'administrator',
      [
        ['adele', 'second administrator'],
        ['oscar', 'allowed'],
      ],
    ],
    [
      'sofia',
      [
        ['adele', 'refused'],
        ['selma', 'allowed'],
        ['oscar', 'allowed'],
      ],
    ],
    [
      'hank',
      [
        ['adele', 'refused'],
        ['hilda', 'allowed'],
        ['oscar', 'allowed'],
        ['selma', 'refused'],
      ],
    ],
    // Reads accounts and grants, manages none.
    [
      'audrey',
      [
        ['adele', 'no permission'],
        ['oscar', 'no permission'],
      ],
    ],
  ];
  const sessionFor = (actor: string) => (actor === 'administrator' ? admin : sessions[actor]!);

  for (const command of commands) {
    it(`${command.name}: on an administrator only with a second administrator, by an administrator; an officer or account desk is refused there and on stronger accounts, allowed on peers and operators; an auditor never`, async () => {
      for (const [actor, targets] of expectations) {
        for (const [targetName, expected] of targets) {
          const target = users[targetName]!;
          const what = `${actor} → ${targetName}`;
          const before = await done(command.name, target.id);
          const response = await command.call(sessionFor(actor), target);
          if (expected === 'allowed') {
            expect(response.statusCode, `${what}: ${response.body}`).toBe(200);
            expect(await done(command.name, target.id), what).toBe(before + 1);
          } else if (expected === 'refused' || expected === 'no permission') {
            expect(response.statusCode, `${what}: ${response.body}`).toBe(403);
            if (expected === 'refused') expect(response.json().code, what).toBe('privilege_escalation');
            expect(await done(command.name, target.id), what).toBe(before);
          } else {
            expect(response.statusCode, `${what}: ${response.body}`).toBe(202);
            expect(await done(command.name, target.id), `${what}: held`).toBe(before);
            const approved = await post(`/api/approvals/${response.json().approvalId}/approve`, approver);
            expect(approved.statusCode, `${what}: ${approved.body}`).toBe(200);
            expect(await done(command.name, target.id), `${what}: approved`).toBe(before + 1);
          }
        }
      }
    });
  }

  it('refuses the reported takeover: a security officer can neither reset, MFA-reset, revoke nor disable an administrator, who still logs in', async () => {
    const officer = sessions.sofia!;
    const target = users.abel!;
    for (const url of ['reset', 'mfa-reset', 'disable', 'expire'].map((a) => `/api/users/${target.id}/${a}`)) {
      const response = await post(url, officer);
      expect(response.statusCode, url).toBe(403);
      expect(response.json().code).toBe('privilege_escalation');
    }
    const revoke = await post('/api/grants/revoke', officer, { userId: target.id, role: 'administrator', scope: '/' });
    expect(revoke.statusCode).toBe(403);
    expect((await loginAttempt(app, 'abel', target.password)).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/auth/me', headers: approver.headers })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/approvals', headers: admin.headers })).json().approvals).toEqual([]);
  });

  it("executes an administrator's reset only once another administrator approves it; a security officer's approval is not enough", async () => {
    const target = await makeUser(t.bastion, app, { username: 'ada', roles: [{ role: 'administrator' }] });
    const request = await post(`/api/users/${target.id}/reset`, admin);
    expect(request.statusCode).toBe(202);
    const id = request.json().approvalId as string;
    const byOfficer = await post(`/api/approvals/${id}/approve`, sessions.sofia!);
    expect(byOfficer.statusCode).toBe(403);
    expect(byOfficer.json().code).toBe('dual_control');
    expect((await loginAttempt(app, 'ada', target.password)).statusCode).toBe(200); // nothing was reset
    const byAuthor = await post(`/api/approvals/${id}/approve`, admin);
    expect(byAuthor.json().code).toBe('separation_of_duties');
    const second = await post(`/api/users/${target.id}/reset`, admin);
    const approved = await post(`/api/approvals/${second.json().approvalId}/approve`, approver);
    expect(approved.statusCode).toBe(200);
    expect(approved.json().oneTimePassword).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await loginAttempt(app, 'ada', target.password)).statusCode).toBe(401);
  });

  it('refuses resetting, MFA-resetting or unlocking one’s own account through the administrative commands; self-service stays', async () => {
    for (const [name, session] of [
      ['admin', admin],
      ['sofia', sessions.sofia!],
      ['hank', sessions.hank!],
    ] as const) {
      const me = (await app.inject({ url: '/api/auth/me', headers: session.headers })).json<{ id: string }>().id;
      for (const action of ['reset', 'mfa-reset', 'unlock']) {
        const response = await post(`/api/users/${me}/${action}`, session);
        expect(response.statusCode, `${name} ${action}`).toBe(403);
        expect(response.json().code, `${name} ${action}`).toBe('separation_of_duties');
      }
    }
    const hank = users.hank!;
    const changed = await post('/api/auth/password', sessions.hank!, {
      currentPassword: hank.password,
      newPassword: 'a brand new passphrase for the desk',
    });
    expect(changed.statusCode).toBe(200);
    hank.password = 'a brand new passphrase for the desk';
  });

  it('checks the rule at the scope where the account holds each role: a site officer manages the site’s operators, not an enterprise officer', async () => {
    const siteOfficer = sessions.sam!;
    const operator = await makeUser(t.bastion, app, {
      username: 'otis',
      roles: [{ role: 'operator', scope: '/site-1/area-1/line-1' }],
    });
    await asConsole('identity.grant', { userId: operator.id, role: 'auditor', scope: '/site-1' });
    await asConsole('identity.grant', { userId: users.selma!.id, role: 'auditor', scope: '/site-1' });
    const revoke = (target: TestUser) =>
      post('/api/grants/revoke', siteOfficer, { userId: target.id, role: 'auditor', scope: '/site-1' });
    expect((await revoke(operator)).statusCode).toBe(200);
    const stronger = await revoke(users.selma!);
    expect(stronger.statusCode).toBe(403);
    expect(stronger.json().code).toBe('privilege_escalation');
    expect(stronger.json().detail).toContain(' at /.');
    // The same operator, once it holds a role at the enterprise, is out of the site officer's reach.
    await asConsole('identity.grant', { userId: operator.id, role: 'auditor', scope: '/' });
    await asConsole('identity.grant', { userId: operator.id, role: 'auditor', scope: '/site-1' });
    expect((await revoke(operator)).json().code).toBe('privilege_escalation');
    expect((await post(`/api/users/${operator.id}/reset`, siteOfficer)).statusCode).toBe(403); // acts at /
  });
});
