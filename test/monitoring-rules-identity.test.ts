import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './support/bastion.js';
import { cli } from './support/cli.js';
import { enrolMfa, login, totpNow } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import {
  adminAgain,
  alertsOf,
  badgeSignIn,
  consoleAccount,
  enrolledTerminal,
  loginFrom,
  nextUtc,
  tune,
  watchedBastion,
  wrongCode,
  type Watched,
} from './support/security-rules.js';

const DAY = 86_400_000;
const WRONG = 'not the password 1';
const PIN = '73916284';

describe('identity detection rules', () => {
  let w: Watched;
  afterEach(async () => w.close());

  describe('brute-force', () => {
    it('raises a high brute-force alert naming the account when its lockout turns refusals into account_locked', async () => {
      w = await watchedBastion({ BASTION_LOCKOUT_THRESHOLD: '3' });
      const bob = await makeUser(w.t.bastion, w.app, { username: 'bob', roles: [{ role: 'quality' }] });
      for (let i = 0; i < 4; i += 1) expect((await loginFrom(w.app, 'bob', WRONG)).statusCode).toBe(401);
      expect(await alertsOf(w, 'brute-force')).toEqual([]);
      // Locked since the third: the fifth is refused as account_locked, and still counts.
      expect((await loginFrom(w.app, 'bob', WRONG)).statusCode).toBe(401);
      const [alert, ...more] = await alertsOf(w, 'brute-force');
      expect(more).toEqual([]);
      expect(alert).toMatchObject({ severity: 'high', groupKey: `target=user:${bob.id}`, count: 5 });
    });

    it('raises no brute-force alert for three wrong passwords followed by the right one', async () => {
      w = await watchedBastion();
      const bob = await makeUser(w.t.bastion, w.app, { username: 'bob', roles: [{ role: 'quality' }] });
      for (let i = 0; i < 3; i += 1) await loginFrom(w.app, 'bob', WRONG);
      expect((await loginFrom(w.app, 'bob', bob.password)).statusCode).toBe(200);
      expect(await alertsOf(w, 'brute-force')).toEqual([]);
    });
  });

  describe('brute-force at a terminal', () => {
    const badged = async () => {
      const terminal = await enrolledTerminal(w);
      const otto = await makeUser(w.t.bastion, w.app, { username: 'otto', roles: [{ role: 'operator' }] });
      const assigned = await w.app.inject({
        method: 'POST',
        url: `/api/users/${otto.id}/badge`,
        headers: w.admin.headers,
        payload: { badge: 'B-1001', pin: PIN },
      });
      expect(assigned.statusCode, assigned.body).toBe(200);
      return { terminal, otto };
    };

    it('raises a brute-force alert naming the account whose badge PIN is guessed five times', async () => {
      w = await watchedBastion();
      const { terminal, otto } = await badged();
      for (let i = 0; i < 5; i += 1)
        expect((await badgeSignIn(w, terminal, 'B-1001', '11112222')).statusCode).toBe(401);
      const alerts = await alertsOf(w, 'brute-force');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ severity: 'high', groupKey: `target=user:${otto.id}`, count: 5 });
    });

    it('raises no brute-force alert for a mistyped PIN followed by the right one', async () => {
      w = await watchedBastion();
      const { terminal } = await badged();
      expect((await badgeSignIn(w, terminal, 'B-1001', '11112222')).statusCode).toBe(401);
      expect((await badgeSignIn(w, terminal, 'B-1001', PIN)).statusCode).toBe(200);
      expect(await alertsOf(w, 'brute-force')).toEqual([]);
    });
  });

  describe('password-spraying', () => {
    it('raises a password-spraying alert naming the address that failed for five accounts', async () => {
      w = await watchedBastion();
      for (const name of ['sa', 'sb', 'sc', 'sd', 'se']) await consoleAccount(w, name);
      for (const name of ['sa', 'sb', 'sc', 'sd', 'se']) await loginFrom(w.app, name, WRONG, '198.51.100.7');
      const alerts = await alertsOf(w, 'password-spraying');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ severity: 'high', groupKey: 'address=198.51.100.7', count: 5 });
    });

    it('raises a password-spraying alert naming the address that tried five names no account has', async () => {
      w = await watchedBastion();
      for (const name of ['root', 'oracle', 'scada', 'plc', 'guest'])
        await loginFrom(w.app, name, WRONG, '198.51.100.8');
      const alerts = await alertsOf(w, 'password-spraying');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ groupKey: 'address=198.51.100.8', count: 5 });
    });

    it('raises no password-spraying alert for five accounts mistyping once each from their own addresses', async () => {
      w = await watchedBastion();
      const names = ['sa', 'sb', 'sc', 'sd', 'se'];
      for (const name of names) await consoleAccount(w, name);
      for (const [i, name] of names.entries()) await loginFrom(w.app, name, WRONG, `10.0.0.${i + 10}`);
      // Four from one (NAT) address stay below the threshold too.
      for (const name of names.slice(0, 4)) await loginFrom(w.app, name, WRONG, '10.0.0.99');
      expect(await alertsOf(w, 'password-spraying')).toEqual([]);
    });
  });

  describe('mfa-guessing', () => {
    const enrolled = async () => {
      const mona = await makeUser(w.t.bastion, w.app, { username: 'mona' });
      const { secret } = await enrolMfa(w.app, await sessionOf(w.app, mona));
      return { mona, secret, pending: await login(w.app, 'mona', mona.password) };
    };
    const verify = (headers: Record<string, string>, code: string) =>
      w.app.inject({ method: 'POST', url: '/api/auth/mfa/verify', headers, payload: { code } });

    it('raises an mfa-guessing alert naming the account after three wrong second-factor codes', async () => {
      w = await watchedBastion();
      const { mona, secret, pending } = await enrolled();
      expect(pending.mfa).toBe('pending');
      for (let i = 0; i < 3; i += 1)
        expect((await verify(pending.headers, wrongCode(secret, Date.now()))).statusCode).toBe(401);
      const alerts = await alertsOf(w, 'mfa-guessing');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ severity: 'high', groupKey: `actor=user:${mona.id}`, count: 3 });
    });

    it('raises no mfa-guessing alert for one mistyped code followed by the right one', async () => {
      w = await watchedBastion();
      const { secret, pending } = await enrolled();
      expect((await verify(pending.headers, wrongCode(secret, Date.now()))).statusCode).toBe(401);
      // The enrolment used the current step; the next step's code is the fresh one the server accepts.
      expect((await verify(pending.headers, totpNow(secret, Date.now() + 30_000))).statusCode).toBe(200);
      expect(await alertsOf(w, 'mfa-guessing')).toEqual([]);
    });
  });

  describe('login-new-source', () => {
    it('raises a login-new-source alert naming the account and the new address', async () => {
      w = await watchedBastion();
      const nina = await makeUser(w.t.bastion, w.app, { username: 'nina', roles: [{ role: 'operator' }] });
      for (let i = 0; i < 3; i += 1) await loginFrom(w.app, 'nina', nina.password, '10.20.0.5');
      expect(await alertsOf(w, 'login-new-source')).toEqual([]);
      expect((await loginFrom(w.app, 'nina', nina.password, '203.0.113.9')).statusCode).toBe(200);
      const alerts = await alertsOf(w, 'login-new-source');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ severity: 'medium', groupKey: `target=user:${nina.id}|address=203.0.113.9` });
    });

    it('raises no login-new-source alert for logins from the usual address', async () => {
      w = await watchedBastion();
      const nina = await makeUser(w.t.bastion, w.app, { username: 'nina', roles: [{ role: 'operator' }] });
      for (let i = 0; i < 6; i += 1) await loginFrom(w.app, 'nina', nina.password, '10.20.0.5');
      expect(await alertsOf(w, 'login-new-source')).toEqual([]);
    });
  });

  describe('login-unusual-hour', () => {
    /** Five days of logins at the same hour (the one at creation counts too): the account's usual hour. */
    const usualHours = async (clock: ManualClock) => {
      w = await watchedBastion({}, clock);
      const ulf = await makeUser(w.t.bastion, w.app, { username: 'ulf', roles: [{ role: 'operator' }] });
      for (let i = 0; i < 4; i += 1) {
        clock.advance(DAY);
        expect((await loginFrom(w.app, 'ulf', ulf.password)).statusCode).toBe(200);
      }
      return ulf;
    };

    it('raises a login-unusual-hour alert naming the account for a login twelve hours off its usual hour', async () => {
      const clock = new ManualClock();
      const ulf = await usualHours(clock);
      clock.advance(DAY / 2);
      expect((await loginFrom(w.app, 'ulf', ulf.password)).statusCode).toBe(200);
      const alerts = await alertsOf(w, 'login-unusual-hour', await adminAgain(w, clock));
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ severity: 'medium', groupKey: `target=user:${ulf.id}` });
    });

    it('raises no login-unusual-hour alert for a login at the usual hour the next day', async () => {
      const clock = new ManualClock();
      const ulf = await usualHours(clock);
      clock.advance(DAY + 30 * 60_000);
      expect((await loginFrom(w.app, 'ulf', ulf.password)).statusCode).toBe(200);
      expect(await alertsOf(w, 'login-unusual-hour', await adminAgain(w, clock))).toEqual([]);
    });
  });

  describe('vendor-outside-window', () => {
    /** A vendor account made on a Tuesday morning, inside the shipped vendor window (Mon–Fri 07:00–17:00 UTC). */
    const vendorOnTuesday = async (clock: ManualClock) => {
      w = await watchedBastion({}, clock);
      clock.advance(nextUtc(clock.now(), 2, 10) - clock.now());
      const expiresAt = new Date(clock.now() + 30 * DAY).toISOString();
      return makeUser(w.t.bastion, w.app, { username: 'vera', vendor: true, expiresAt });
    };

    it('raises a high vendor-outside-window alert naming the vendor account for a Sunday-night login', async () => {
      const clock = new ManualClock();
      const vera = await vendorOnTuesday(clock);
      expect(await alertsOf(w, 'vendor-outside-window', await adminAgain(w, clock))).toEqual([]);
      clock.advance(nextUtc(clock.now(), 7, 3) - clock.now());
      expect((await loginFrom(w.app, 'vera', vera.password)).statusCode).toBe(200);
      const alerts = await alertsOf(w, 'vendor-outside-window', await adminAgain(w, clock));
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ severity: 'high', groupKey: `target=user:${vera.id}` });
    });

    it('raises no vendor-outside-window alert for a vendor inside its window nor a staff login at night', async () => {
      const clock = new ManualClock();
      const vera = await vendorOnTuesday(clock);
      clock.advance(nextUtc(clock.now(), 3, 9) - clock.now());
      expect((await loginFrom(w.app, 'vera', vera.password)).statusCode).toBe(200);
      clock.advance(nextUtc(clock.now(), 7, 3) - clock.now());
      const session = await adminAgain(w, clock); // the administrator (not a vendor) logs in on Sunday night
      expect(await alertsOf(w, 'vendor-outside-window', session)).toEqual([]);
    });
  });

  describe('privileged-grant', () => {
    it('raises a high privileged-grant alert naming the account granted administrator from the console', async () => {
      w = await watchedBastion();
      const pete = await makeUser(w.t.bastion, w.app, { username: 'pete' });
      const granted = await cli(['users', 'grant', 'pete', 'administrator'], w.t.env, w.t.dataDir);
      expect(granted.code, granted.stderr).toBe(0);
      const alerts = await alertsOf(w, 'privileged-grant');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ severity: 'high', groupKey: `target=user:${pete.id}` });
    });

    it('raises no privileged-grant alert for an operator role granted from the console', async () => {
      w = await watchedBastion();
      await makeUser(w.t.bastion, w.app, { username: 'pete' });
      const granted = await cli(['users', 'grant', 'pete', 'operator'], w.t.env, w.t.dataDir);
      expect(granted.code, granted.stderr).toBe(0);
      expect(await alertsOf(w, 'privileged-grant')).toEqual([]);
    });
  });

  describe('mfa-reset', () => {
    const withAuthenticator = async () => {
      const mona = await makeUser(w.t.bastion, w.app, { username: 'mona', roles: [{ role: 'quality' }] });
      await enrolMfa(w.app, await sessionOf(w.app, mona));
      return mona;
    };

    it('raises a high mfa-reset alert naming the account whose authenticator an administrator removed', async () => {
      w = await watchedBastion();
      const mona = await withAuthenticator();
      const reset = await w.app.inject({
        method: 'POST',
        url: `/api/users/${mona.id}/mfa-reset`,
        headers: { ...w.admin.headers, 'x-csrf-token': w.admin.csrfToken },
      });
      expect(reset.statusCode, reset.body).toBe(200);
      const alerts = await alertsOf(w, 'mfa-reset');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ severity: 'high', groupKey: `target=user:${mona.id}` });
    });

    it('raises no mfa-reset alert for an account enrolling its own authenticator and a password reset', async () => {
      w = await watchedBastion();
      await withAuthenticator();
      expect((await cli(['users', 'reset', 'mona'], w.t.env, w.t.dataDir)).code).toBe(0);
      expect(await alertsOf(w, 'mfa-reset')).toEqual([]);
    });
  });

  describe('repeated-denials', () => {
    const operator = async () => {
      const otto = await makeUser(w.t.bastion, w.app, { username: 'otto', roles: [{ role: 'operator' }] });
      return { otto, session: await sessionOf(w.app, otto) };
    };
    const get = (url: string, headers: Record<string, string>) => w.app.inject({ method: 'GET', url, headers });

    it('raises a repeated-denials alert naming the account refused ten times', async () => {
      w = await watchedBastion();
      const { otto, session } = await operator();
      for (let i = 0; i < 10; i += 1) expect((await get('/api/users', session.headers)).statusCode).toBe(403);
      const alerts = await alertsOf(w, 'repeated-denials');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ severity: 'medium', groupKey: `actor=user:${otto.id}`, count: 10 });
    });

    it("raises no repeated-denials alert for an operator's normal work with two refusals", async () => {
      w = await watchedBastion();
      const { session } = await operator();
      for (let i = 0; i < 12; i += 1) expect((await get('/api/lots', session.headers)).statusCode).toBe(200);
      for (let i = 0; i < 2; i += 1) expect((await get('/api/users', session.headers)).statusCode).toBe(403);
      expect(await alertsOf(w, 'repeated-denials')).toEqual([]);
    });
  });

  describe('tuning', () => {
    it('raises no brute-force alert once the rule is disabled through the tuning route', async () => {
      w = await watchedBastion();
      await makeUser(w.t.bastion, w.app, { username: 'bob', roles: [{ role: 'quality' }] });
      await tune(w, 'brute-force', { enabled: false });
      for (let i = 0; i < 6; i += 1) await loginFrom(w.app, 'bob', WRONG);
      expect(await alertsOf(w, 'brute-force')).toEqual([]);
    });

    it('raises the brute-force alert only at a threshold raised to eight through the tuning route', async () => {
      w = await watchedBastion({ BASTION_LOCKOUT_THRESHOLD: '10' });
      const bob = await makeUser(w.t.bastion, w.app, { username: 'bob', roles: [{ role: 'quality' }] });
      await tune(w, 'brute-force', { threshold: 8 });
      for (let i = 0; i < 7; i += 1) await loginFrom(w.app, 'bob', WRONG);
      expect(await alertsOf(w, 'brute-force')).toEqual([]);
      await loginFrom(w.app, 'bob', WRONG);
      const alerts = await alertsOf(w, 'brute-force');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ groupKey: `target=user:${bob.id}`, count: 8 });
    });
  });
});
