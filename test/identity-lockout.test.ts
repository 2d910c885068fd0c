import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../src/kernel/events.js';
import { ManualClock, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { enrolMfa, httpTestBastion, totpNow, type Session } from './support/http.js';
import { loginAttempt, makeUser, sessionOf, type TestUser } from './support/identity.js';

const THRESHOLD = 5; // identity.lockoutThreshold's default
const ADDRESS_LIMIT = 10; // the smallest identity.addressFailureLimit allowed, set below

/**
 * Issue 10, item 2: wrong second-factor codes (TOTP or recovery) and a wrong current password count toward the
 * same lockout as wrong passwords, and a correct password alone does not clear the count. Shop-floor accounts
 * are throttled and alarmed rather than locked.
 */
describe(`second-factor and password-change guessing is bounded (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let clock: ManualClock;
  let events: DomainEvent[];
  const configFile = join(tmpdir(), `bastion-lockout-${process.pid}.json`);

  beforeAll(() => writeFileSync(configFile, JSON.stringify({ identity: { addressFailureLimit: ADDRESS_LIMIT } })));
  afterAll(() => rmSync(configFile, { force: true }));
  beforeEach(async () => {
    clock = new ManualClock();
    ({ t, app, events } = await httpTestBastion({ BASTION_CONFIG: configFile }, clock));
  });
  afterEach(async () => {
    await app.close();
    await t.destroy();
  });

  const me = (session: Session) => app.inject({ url: '/api/auth/me', headers: session.headers });
  const verify = (session: Session, payload: object) =>
    app.inject({ method: 'POST', url: '/api/auth/mfa/verify', headers: session.headers, payload });
  const wrongCode = (secret: string) => (totpNow(secret, clock.now()) === '000000' ? '111111' : '000000');
  const eventTypes = () => events.map((e) => e.type);

  /** An account with an authenticator enrolled; the next login's session waits for the second factor. */
  async function enrolled(username: string, role: string): Promise<TestUser & { secret: string; codes: string[] }> {
    const user = await makeUser(t.bastion, app, { username, roles: [{ role }] });
    const { secret, recoveryCodes } = await enrolMfa(app, await sessionOf(app, user), clock.now());
    clock.advance(31_000); // the enrolment code is spent
    return { ...user, secret, codes: recoveryCodes };
  }

  it('locks the account after 5 wrong TOTP or recovery codes although every login used the correct password, and then refuses the right code; a completed login clears the count', async () => {
    const engineer = await enrolled('erin', 'process-engineer');
    const first = await sessionOf(app, engineer);
    expect(first.mfa).toBe('pending');
    for (let i = 0; i < THRESHOLD; i++) {
      const session = i === 0 ? first : await sessionOf(app, engineer); // a correct password each time
      const guess = i % 2 === 0 ? { code: wrongCode(engineer.secret) } : { recoveryCode: 'ABCDEFGHJKLMNPQR' };
      expect((await verify(session, guess)).statusCode, `guess ${i + 1}`).toBe(401);
    }
    expect(eventTypes()).toContain('security.account-locked');
    expect((await loginAttempt(app, 'erin', engineer.password)).statusCode).toBe(401); // locked
    const rightCode = await verify(first, { code: totpNow(engineer.secret, clock.now()) });
    expect(rightCode.statusCode).toBe(401); // an earlier session cannot finish the login either
    expect((await verify(first, { recoveryCode: engineer.codes[0]! })).statusCode).toBe(401);
    clock.advance(16 * 60_000); // identity.lockoutMinutes (15) later the lock ends
    const later = await sessionOf(app, engineer);
    expect((await verify(later, { code: totpNow(engineer.secret, clock.now()) })).statusCode).toBe(200);
    // That completed login cleared the count: as many wrong codes again, less one, do not lock.
    events.length = 0;
    for (let i = 0; i < THRESHOLD - 1; i++)
      expect((await verify(await sessionOf(app, engineer), { code: wrongCode(engineer.secret) })).statusCode).toBe(401);
    expect(eventTypes()).not.toContain('security.account-locked');
    expect((await loginAttempt(app, 'erin', engineer.password)).statusCode).toBe(200);
  });

  it('counts every one of 12 wrong codes sent at once (each code checked is one failure) and locks the account', async () => {
    const engineer = await enrolled('ezra', 'process-engineer');
    const session = await sessionOf(app, engineer);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => verify(session, { code: wrongCode(engineer.secret) })),
    );
    // Requests that arrive after the session ended are refused before any code is checked.
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(401));
    const checked = (
      await t.bastion.storage.db
        .selectFrom('audit_records')
        .select('body')
        .where('body', 'like', '%"refusal":"wrong_second_factor"%')
        .execute()
    ).filter((r) => r.body.includes(engineer.id)).length;
    const row = await t.bastion.storage.db
      .selectFrom('users')
      .select(['failed_logins', 'locked_until'])
      .where('id', '=', engineer.id)
      .executeTakeFirstOrThrow();
    expect(checked).toBeGreaterThanOrEqual(THRESHOLD);
    expect(Number(row.failed_logins)).toBe(checked);
    expect(Number(row.locked_until)).toBeGreaterThan(clock.now());
  });

  it('throttles a shop-floor account instead of locking it: wrong codes end the session and alarm, the count survives a correct password, and the address is blocked at its limit', async () => {
    const operator = await enrolled('otto', 'operator');
    const sessionsUsed: Session[] = [];
    let guesses = 0;
    while (guesses < ADDRESS_LIMIT) {
      const session = await sessionOf(app, operator); // not locked: the correct password still opens a session
      sessionsUsed.push(session);
      do {
        expect((await verify(session, { code: wrongCode(operator.secret) })).statusCode).toBe(401);
        guesses++;
      } while ((await me(session)).statusCode !== 401 && guesses < ADDRESS_LIMIT);
    }
    // 4 guesses in the first session, then the limit: every further guess ends its session at once.
    expect(sessionsUsed.length).toBe(ADDRESS_LIMIT - THRESHOLD + 1);
    expect(eventTypes()).toContain('security.mfa-failures');
    expect(eventTypes()).not.toContain('security.account-locked');
    const blocked = await loginAttempt(app, 'otto', operator.password);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().detail).toContain('failed logins from this address');
  });

  it('counts a wrong current password on a password change through a live session, ends that session at the limit and locks the account', async () => {
    const quality = await makeUser(t.bastion, app, { username: 'quinn', roles: [{ role: 'quality' }] });
    const session = await sessionOf(app, quality);
    const change = () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: session.headers,
        payload: { currentPassword: 'not my password at all', newPassword: 'a completely new passphrase' },
      });
    for (let i = 0; i < THRESHOLD - 1; i++) {
      expect((await change()).statusCode).toBe(401);
      expect((await me(session)).statusCode).toBe(200);
    }
    expect((await change()).statusCode).toBe(401);
    expect((await me(session)).statusCode).toBe(401); // the session used for guessing has ended
    expect(eventTypes()).toContain('security.account-locked');
    expect((await loginAttempt(app, 'quinn', quality.password)).statusCode).toBe(401);
    const records = await t.bastion.storage.db
      .selectFrom('audit_records')
      .select('body')
      .where('body', 'like', '%"action":"identity.change-password"%')
      .execute();
    expect(records.filter((r) => r.body.includes('"refusal":"wrong_current_password"'))).toHaveLength(THRESHOLD);
  });
});
