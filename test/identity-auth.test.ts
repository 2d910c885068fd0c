import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../src/kernel/events.js';
import { ManualClock, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, enrolMfa, httpTestBastion, totpNow } from './support/http.js';
import { loginAttempt, makeUser, sessionOf } from './support/identity.js';

// IEC 62443-3-3 FR1 (SR 1.1, 1.5, 1.7, 1.11, 1.12), FR2 (SR 2.5, 2.6, 2.7), SR 3.8; OWASP ASVS V2, V3.
describe(`authentication (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let clock: ManualClock;
  let events: DomainEvent[];

  beforeEach(async () => {
    clock = new ManualClock();
    ({ t, app, events } = await httpTestBastion({}, clock));
  });
  afterEach(async () => {
    await app.close();
    await t.destroy();
  });

  const me = (headers: Record<string, string>) => app.inject({ url: '/api/auth/me', headers });

  it('answers a wrong password and an unknown account alike, in similar time', async () => {
    await makeUser(t.bastion, app, { username: 'olga', roles: [{ role: 'operator' }] });
    const time = async (username: string) => {
      const start = performance.now();
      const response = await loginAttempt(app, username, 'not the right password');
      return {
        ms: performance.now() - start,
        status: response.statusCode,
        body: response.json<{ detail: string; code: string }>(),
      };
    };
    const wrong: Awaited<ReturnType<typeof time>>[] = [];
    const unknown: Awaited<ReturnType<typeof time>>[] = [];
    for (let i = 0; i < 5; i++) {
      wrong.push(await time('olga')); // interleaved, so load from other test files hits both alike
      unknown.push(await time('nobody'));
    }
    expect(new Set([...wrong, ...unknown].map((r) => `${r.status} ${r.body.code} ${r.body.detail}`)).size).toBe(1);
    const median = (runs: { ms: number }[]) => runs.map((r) => r.ms).sort((a, b) => a - b)[2]!;
    const ratio = median(wrong) / median(unknown);
    expect(ratio).toBeGreaterThan(0.4); // both pay one argon2id verification (a skipped one would be ~100x faster)
    expect(ratio).toBeLessThan(2.5);
  });

  it('shows the system-use notice before login', async () => {
    const notice = await app.inject({ url: '/api/auth/notice' });
    expect(notice.statusCode).toBe(200);
    expect(notice.json().notice).toContain('Authorised use only');
  });

  it('locks an account after repeated wrong passwords, audits and alarms it, and an unlock restores it', async () => {
    const quality = await makeUser(t.bastion, app, { username: 'quinn', roles: [{ role: 'quality' }] });
    for (let i = 0; i < 5; i++) expect((await loginAttempt(app, 'quinn', 'wrong password!')).statusCode).toBe(401);
    expect((await loginAttempt(app, 'quinn', quality.password)).statusCode).toBe(401);
    expect(events.map((e) => e.type)).toContain('security.account-locked');
    const admin = await adminSession(app, t);
    const locked = await app.inject({ url: `/api/users/${quality.id}`, headers: admin.headers });
    expect(locked.json().user.locked).toBe(true);
    expect(
      (await app.inject({ method: 'POST', url: `/api/users/${quality.id}/unlock`, headers: admin.headers })).statusCode,
    ).toBe(200);
    expect((await loginAttempt(app, 'quinn', quality.password)).statusCode).toBe(200);
  });

  it('throttles and alarms instead of locking out a shop-floor operator', async () => {
    const operator = await makeUser(t.bastion, app, { username: 'otto', roles: [{ role: 'operator' }] });
    for (let i = 0; i < 7; i++) await loginAttempt(app, 'otto', 'wrong password!');
    expect(events.map((e) => e.type)).toContain('security.login-failures');
    expect(events.map((e) => e.type)).not.toContain('security.account-locked');
    expect((await loginAttempt(app, 'otto', operator.password)).statusCode).toBe(200);
  });

  it('refuses an expired vendor account, and its sessions end with it', async () => {
    const vendor = await makeUser(t.bastion, app, {
      username: 'vera',
      roles: [{ role: 'maintenance' }],
      vendor: true,
      expiresAt: new Date(clock.now() + 3_600_000).toISOString(),
    });
    const session = await sessionOf(app, vendor);
    expect(session.mfa).toBe('enrolment-required'); // vendors always need a second factor
    clock.advance(2 * 3_600_000);
    expect((await loginAttempt(app, 'vera', vendor.password)).statusCode).toBe(401);
    expect((await me(session.headers)).statusCode).toBe(401);
  });

  it('requires and enforces the second factor for privileged roles, without replay', async () => {
    const engineer = await makeUser(t.bastion, app, { username: 'erin', roles: [{ role: 'process-engineer' }] });
    const first = await sessionOf(app, engineer);
    expect(first.mfa).toBe('enrolment-required');
    const blocked = await app.inject({ url: '/api/approvals', headers: first.headers });
    expect(blocked.json().code).toBe('mfa_enrolment_required');
    const { secret } = await enrolMfa(app, first, clock.now());
    clock.advance(31_000); // the next code
    const second = await sessionOf(app, engineer);
    expect(second.mfa).toBe('pending');
    expect((await app.inject({ url: '/api/approvals', headers: second.headers })).json().code).toBe('mfa_required');
    const code = totpNow(secret, clock.now());
    const verify = (payload: object) =>
      app.inject({ method: 'POST', url: '/api/auth/mfa/verify', headers: second.headers, payload });
    expect((await verify({ code: '000000' === code ? '111111' : '000000' })).statusCode).toBe(401);
    expect((await verify({ code })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/approvals', headers: second.headers })).statusCode).toBe(200);
    const third = await sessionOf(app, engineer);
    const replay = await app.inject({
      method: 'POST',
      url: '/api/auth/mfa/verify',
      headers: third.headers,
      payload: { code },
    });
    expect(replay.statusCode).toBe(401);
  });

  it('accepts each recovery code once', async () => {
    const engineer = await makeUser(t.bastion, app, { username: 'eddie', roles: [{ role: 'process-engineer' }] });
    const { recoveryCodes } = await enrolMfa(app, await sessionOf(app, engineer), clock.now());
    expect(recoveryCodes).toHaveLength(10);
    const use = async () => {
      const session = await sessionOf(app, engineer);
      return app.inject({
        method: 'POST',
        url: '/api/auth/mfa/verify',
        headers: session.headers,
        payload: { recoveryCode: recoveryCodes[3] },
      });
    };
    expect((await use()).statusCode).toBe(200);
    expect((await use()).statusCode).toBe(401);
  });

  it('ends idle sessions and sessions past their absolute lifetime', async () => {
    const operator = await makeUser(t.bastion, app, { username: 'ida', roles: [{ role: 'operator' }] });
    const idle = await sessionOf(app, operator);
    clock.advance(29 * 60_000);
    expect((await me(idle.headers)).statusCode).toBe(200); // activity recorded: the idle clock restarts
    clock.advance(29 * 60_000);
    expect((await me(idle.headers)).statusCode).toBe(200);
    clock.advance(31 * 60_000);
    expect((await me(idle.headers)).statusCode).toBe(401);
    const busy = await sessionOf(app, operator);
    for (let hours = 0; hours < 11.5; hours += 0.25) {
      clock.advance(15 * 60_000);
      expect((await me(busy.headers)).statusCode).toBe(200);
    }
    clock.advance(60 * 60_000 - 29 * 60_000);
    expect((await me(busy.headers)).statusCode).toBe(401); // 12 hours after login, however busy
  });

  it('ends sessions at logout and at an administrator revocation, at once', async () => {
    const operator = await makeUser(t.bastion, app, { username: 'rita', roles: [{ role: 'operator' }] });
    const a = await sessionOf(app, operator);
    const b = await sessionOf(app, operator);
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: a.headers })).statusCode).toBe(200);
    expect((await me(a.headers)).statusCode).toBe(401);
    expect((await me(b.headers)).statusCode).toBe(200);
    const admin = await adminSession(app, t);
    const revoke = await app.inject({
      method: 'POST',
      url: `/api/users/${operator.id}/sessions/revoke`,
      headers: admin.headers,
    });
    expect(revoke.json()).toEqual({ ended: 1 });
    expect((await me(b.headers)).statusCode).toBe(401);
  });

  it('limits concurrent sessions per account, ending the oldest', async () => {
    const operator = await makeUser(t.bastion, app, { username: 'cora', roles: [{ role: 'operator' }] });
    const sessions = [];
    for (let i = 0; i < 6; i++) sessions.push(await sessionOf(app, operator));
    expect((await me(sessions[0]!.headers)).statusCode).toBe(401);
    expect((await me(sessions[5]!.headers)).statusCode).toBe(200);
    expect((await me(sessions[5]!.headers)).json().sessions).toHaveLength(5);
  });

  it('never adopts a session token it did not issue (no fixation)', async () => {
    const operator = await makeUser(t.bastion, app, { username: 'finn', roles: [{ role: 'operator' }] });
    const planted = 'A'.repeat(43);
    const response = await loginAttempt(app, 'finn', operator.password, {
      cookie: `__Host-bastion_session=${planted}`,
    });
    expect(response.statusCode).toBe(401); // the planted cookie is checked first, and refused
    expect(response.headers['set-cookie']).toMatch(/^__Host-bastion_session=; .*Max-Age=0/); // and cleared
    const clean = await loginAttempt(app, 'finn', operator.password);
    const token = clean.json().token as string;
    expect(token).not.toBe(planted);
    expect(clean.headers['set-cookie']).toContain(`__Host-bastion_session=${token}`);
    expect(clean.headers['set-cookie']).toMatch(/HttpOnly/);
    expect(clean.headers['set-cookie']).toMatch(/Secure/);
    expect(clean.headers['set-cookie']).toMatch(/SameSite=Strict/);
    expect((await me({ authorization: `Bearer ${planted}` })).statusCode).toBe(401);
  });

  it('refuses a cookie-authenticated state change without the CSRF token', async () => {
    const operator = await makeUser(t.bastion, app, { username: 'cleo', roles: [{ role: 'operator' }] });
    const session = await sessionOf(app, operator);
    const cookie = `__Host-bastion_session=${session.token}`;
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
    const forged = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().code).toBe('csrf_token_invalid');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': 'B'.repeat(43) },
    });
    expect(wrong.statusCode).toBe(403);
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
    const real = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': session.csrfToken },
    });
    expect(real.statusCode).toBe(200);
  });

  it('refuses common passwords and passwords built from the user name', async () => {
    const operator = await makeUser(t.bastion, app, { username: 'paula', roles: [{ role: 'operator' }] });
    const session = await sessionOf(app, operator);
    for (const newPassword of ['qwerty123456', 'paula-is-my-password']) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: session.headers,
        payload: { currentPassword: operator.password, newPassword },
      });
      expect(response.statusCode, newPassword).toBe(400);
    }
  });
});
