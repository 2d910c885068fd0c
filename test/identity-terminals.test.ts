import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../src/kernel/events.js';
import { ManualClock, testEnvironment, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { databaseText } from './support/database-text.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import { enrolledSession, makeUser, sessionOf, type TestUser } from './support/identity.js';
import { seedPlant, seedPlantIn } from './support/plant.js';

const LINE_1 = '/site-1/area-1/line-1';
const LINE_2 = '/site-1/area-1/line-2';
const IDLE_MINUTES = 2; // session.terminalIdleMinutes, set through its environment variable below
const BADGE = 'B-1001';
const PIN = '73916284';
const NEW_PIN = '51847302';
const COOKIE = /^bastion_terminal=([A-Za-z0-9_-]{43}); Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=31536000$/;

interface Terminal {
  id: string;
  name: string;
  line: string;
  cookie: string;
  secret: string;
}

/**
 * Issue 13: registered shop-floor terminals. A terminal is its own identity bound to a line; operators sign in
 * there with badge and PIN (hashed, throttled, locked after repeated failures), into a session confined to the
 * line with a short idle timeout.
 */
describe(`shop-floor terminals with badge and PIN (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let clock: ManualClock;
  let events: DomainEvent[];
  let admin: Session;
  let otto: TestUser;
  let olga: TestUser;
  let terminal: Terminal;
  let enrolmentCode: string;
  const secrets: string[] = [];

  const post = (url: string, payload: object, headers: Record<string, string> = admin.headers) =>
    app.inject({ method: 'POST', url, headers, payload });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const signIn = (badge: string, pin: string, at = terminal) =>
    post('/api/terminals/sign-in', { badge, pin }, { cookie: `bastion_terminal=${at.secret}` });
  const me = (token: string) => app.inject({ url: '/api/auth/me', headers: bearer(token) });
  const start = (number: string, line: string, headers: Record<string, string>) =>
    post('/api/orders/operations/start', { number, line, sequence: 10 }, headers);

  async function product(code: string, line: string) {
    const op = { sequence: 10, name: 'Press', workCell: line, standardCycleSeconds: 60, idealCycleSeconds: 50 };
    await post('/api/products/versions', {
      product: code,
      bom: [{ material: 'STEEL', quantity: 1, unit: 'kg' }],
      routing: [op],
      reason: 'initial design',
    });
    await post('/api/products/versions/release', { product: code, version: 1 });
  }

  async function dispatched(number: string, product: string, line: string) {
    expect((await post('/api/orders', { number, product, quantity: 10 })).statusCode).toBe(200);
    expect((await post('/api/orders/release', { number })).statusCode).toBe(200);
    expect((await post('/api/orders/dispatch', { number, line })).statusCode).toBe(200);
  }

  beforeAll(async () => {
    clock = new ManualClock();
    ({ t, app, events } = await httpTestBastion(
      { BASTION_SESSION_TERMINAL_IDLE_MINUTES: String(IDLE_MINUTES) },
      clock,
    ));
    admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    await post('/api/materials', { code: 'STEEL', name: 'steel', kind: 'raw', unit: 'kg' });
    await post('/api/materials', { code: 'RIM', name: 'rim', kind: 'finished', unit: 'pcs' });
    await post('/api/materials', { code: 'HUB', name: 'hub', kind: 'finished', unit: 'pcs' });
    await product('RIM', LINE_1);
    await product('HUB', LINE_2);
    await dispatched('WO-L1', 'RIM', LINE_1);
    await dispatched('WO-L2', 'HUB', LINE_2);
    // Granted at the site: covers both lines when signed in with a password.
    otto = await makeUser(t.bastion, app, { username: 'otto', roles: [{ role: 'operator', scope: '/site-1' }] });
    olga = await makeUser(t.bastion, app, { username: 'olga', roles: [{ role: 'operator', scope: LINE_1 }] });
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('registers a terminal on a line only, and enrolment sets an HttpOnly terminal cookie with a code that works once', async () => {
    expect((await post('/api/terminals', { name: 'Site HMI', line: '/site-1' })).json().code).toBe('validation_failed');
    expect((await post('/api/terminals', { name: 'Nowhere', line: '/site-9/line-9' })).statusCode).toBe(404);
    const registered = await post('/api/terminals', { name: 'Line 1 press HMI', line: LINE_1 });
    expect(registered.statusCode).toBe(200);
    const body = registered.json<{ id: string; enrolmentCode: string; enrolmentExpiresAt: string }>();
    expect(body.enrolmentCode).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{10}$/);
    expect(Date.parse(body.enrolmentExpiresAt) - clock.now()).toBe(15 * 60_000);
    enrolmentCode = body.enrolmentCode;
    expect((await app.inject({ url: '/api/terminals/current' })).json().code).toBe('terminal_unknown');

    const enrolled = await post('/api/terminals/enrol', { code: enrolmentCode.toLowerCase() }, {});
    expect(enrolled.statusCode).toBe(200);
    expect(enrolled.json()).toEqual({ id: body.id, name: 'Line 1 press HMI', line: LINE_1 });
    const cookie = String(enrolled.headers['set-cookie']);
    const secret = COOKIE.exec(cookie)?.[1];
    expect(secret, cookie).toBeDefined();
    terminal = { id: body.id, name: 'Line 1 press HMI', line: LINE_1, cookie, secret: secret! };
    secrets.push(enrolmentCode, secret!);

    const again = await post('/api/terminals/enrol', { code: enrolmentCode }, {});
    expect(again.statusCode).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.json().detail ?? again.json().title).not.toMatch(/used|expired/i);
    const current = await app.inject({
      url: '/api/terminals/current',
      headers: { cookie: `bastion_terminal=${secret}` },
    });
    expect(current.json()).toEqual({ id: body.id, name: 'Line 1 press HMI', line: LINE_1 });
    const listed = (await app.inject({ url: '/api/terminals', headers: admin.headers })).json<{
      items: { id: string; enrolledAt: string | null; revokedAt: string | null }[];
    }>().items;
    expect(listed).toEqual([expect.objectContaining({ id: body.id, revokedAt: null })]);
    expect(listed[0]!.enrolledAt).not.toBeNull();
  });

  it('lets a security officer list terminals but not register one, and an operator neither', async () => {
    const officer = await enrolledSession(
      app,
      await makeUser(t.bastion, app, { username: 'sybil', roles: [{ role: 'security-officer' }] }),
    );
    expect((await app.inject({ url: '/api/terminals', headers: officer.headers })).statusCode).toBe(200);
    expect((await post('/api/terminals', { name: 'Mine', line: LINE_2 }, officer.headers)).statusCode).toBe(403);
    const operator = await sessionOf(app, olga);
    expect((await app.inject({ url: '/api/terminals', headers: operator.headers })).statusCode).toBe(403);
  });

  it('assigns each badge to one account only', async () => {
    expect((await post(`/api/users/${otto.id}/badge`, { badge: BADGE, pin: PIN })).json()).toEqual({ assigned: true });
    expect((await post(`/api/users/${olga.id}/badge`, { badge: 'b-1001', pin: '2468' })).json().code).toBe(
      'badge_taken',
    );
    expect((await post(`/api/users/${olga.id}/badge`, { badge: 'B-2002', pin: '123' })).statusCode).toBe(400);
    expect((await post(`/api/users/${olga.id}/badge`, { badge: 'B-2002', pin: '2468' })).statusCode).toBe(200);
  });

  it('signs a site operator in by badge into a session confined to the terminal line: line-1 work yes, line-2 work no', async () => {
    const signedIn = await signIn(BADGE, PIN);
    expect(signedIn.statusCode).toBe(200);
    const session = signedIn.json<{ token: string; csrfToken: string; mfa: string; mustChangePassword: boolean }>();
    expect(session).toMatchObject({ mfa: 'verified', mustChangePassword: false });
    expect(String(signedIn.headers['set-cookie'])).toContain(`__Host-bastion_session=${session.token}`);
    secrets.push(session.token, session.csrfToken);
    const mine = (await me(session.token)).json<{ terminal: object; grants: object[]; mfa: string }>();
    expect(mine.terminal).toEqual({ id: terminal.id, name: terminal.name, line: LINE_1 });
    expect(mine.grants).toEqual([{ role: 'operator', scope: LINE_1 }]);

    expect((await start('WO-L1', LINE_1, bearer(session.token))).statusCode).toBe(200);
    expect((await start('WO-L2', LINE_2, bearer(session.token))).statusCode).toBe(403);
    const desk = await sessionOf(app, otto); // the same account with its password is not confined
    expect((await me(desk.token)).json().terminal).toBeNull();
    expect((await start('WO-L2', LINE_2, desk.headers)).statusCode).toBe(200);
  });

  it('locks a badge after five wrong PINs, answering the locked badge and an unknown badge exactly like a wrong PIN', async () => {
    // Each problem names its own request (`instance`); everything else must be the same.
    const answerOf = async (badge: string, pin: string) => {
      const response = await signIn(badge, pin);
      const problem = response.json<Record<string, unknown>>();
      delete problem.instance;
      return { status: response.statusCode, problem };
    };
    const wrong = await answerOf('B-2002', '0000');
    expect(wrong.status).toBe(401);
    for (let i = 2; i <= 5; i++) expect(await answerOf('B-2002', '0000')).toEqual(wrong);
    expect(events.some((e) => e.type === 'security.badge-locked' && e.payload.userId === olga.id)).toBe(true);
    expect(await answerOf('B-2002', '2468')).toEqual(wrong); // the right PIN, on the locked badge
    expect(await answerOf('B-9999', '2468')).toEqual(wrong); // a badge no one holds
    expect(JSON.stringify(wrong.problem)).not.toMatch(/lock|unknown|exist/i);
  });

  it('changes its own PIN with the account password, and only the new PIN signs in', async () => {
    const desk = await sessionOf(app, otto);
    const wrong = await post(
      '/api/auth/pin',
      { currentPassword: 'not my password at all', pin: NEW_PIN },
      desk.headers,
    );
    expect(wrong.statusCode).toBe(401);
    const changed = await post('/api/auth/pin', { currentPassword: otto.password, pin: NEW_PIN }, desk.headers);
    expect(changed.json()).toEqual({ changed: true });
    expect((await signIn(BADGE, PIN)).statusCode).toBe(401);
    expect((await signIn(BADGE, NEW_PIN)).statusCode).toBe(200);
  });

  it('ends a terminal session after session.terminalIdleMinutes without use, while a password session lives on', async () => {
    const terminalSession = (await signIn(BADGE, NEW_PIN)).json<{ token: string }>();
    const desk = await sessionOf(app, otto);
    expect((await me(terminalSession.token)).statusCode).toBe(200);
    clock.advance(IDLE_MINUTES * 60_000 - 1_000);
    expect((await me(terminalSession.token)).statusCode).toBe(200); // used: the idle time starts again
    clock.advance(IDLE_MINUTES * 60_000);
    expect((await me(terminalSession.token)).statusCode).toBe(401);
    expect((await me(desk.token)).statusCode).toBe(200);
    // The browser still holds the dead session's cookie: the refusal drops it, so the next sign-in goes through.
    const stale = await post(
      '/api/terminals/sign-in',
      { badge: BADGE, pin: NEW_PIN },
      { cookie: `bastion_terminal=${terminal.secret}; __Host-bastion_session=${terminalSession.token}` },
    );
    expect(stale.statusCode).toBe(401);
    expect(String(stale.headers['set-cookie'])).toMatch(/^__Host-bastion_session=; .*HttpOnly.*Max-Age=0$/);
    expect((await signIn(BADGE, NEW_PIN)).statusCode).toBe(200);
  });

  it('revoking the terminal ends every session opened on it, and its cookie then names no terminal', async () => {
    const first = (await signIn(BADGE, NEW_PIN)).json<{ token: string }>();
    const desk = await sessionOf(app, olga);
    const revoked = await post(`/api/terminals/${terminal.id}/revoke`, {});
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json<{ endedSessions: number }>().endedSessions).toBeGreaterThanOrEqual(1);
    expect((await me(first.token)).statusCode).toBe(401);
    expect((await me(desk.token)).statusCode).toBe(200); // a password session is not the terminal's
    const cookie = { cookie: `bastion_terminal=${terminal.secret}` };
    expect((await app.inject({ url: '/api/terminals/current', headers: cookie })).json().code).toBe('terminal_unknown');
    expect((await signIn(BADGE, NEW_PIN)).json().code).toBe('terminal_unknown');
    const listed = (await app.inject({ url: '/api/terminals', headers: admin.headers })).json<{
      items: { revokedAt: string | null }[];
    }>().items;
    expect(listed[0]!.revokedAt).not.toBeNull();
  });

  it('keeps no badge, PIN, enrolment code, terminal secret or session token in clear in the database or the log', async () => {
    const stored = await databaseText(t);
    expect(stored).toContain('argon2id'); // the scan does see the hashes
    for (const value of [BADGE, PIN, NEW_PIN, 'B-2002', ...secrets]) {
      expect(stored.includes(value), `database holds ${value.slice(0, 3)}…`).toBe(false);
      expect(t.logs.text.includes(value), `log holds ${value.slice(0, 3)}…`).toBe(false);
    }
  });
});

describe(`bastion terminals (${testDialect})`, () => {
  let env: Record<string, string>;
  let dataDir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ env, dataDir, cleanup } = await testEnvironment());
    expect((await cli(['init'], env)).code).toBe(0);
    await seedPlantIn(env, dataDir);
  });
  afterAll(() => cleanup());

  it('registers a terminal on a line from the console, printing its enrolment code once, and lists it', async () => {
    const registered = await cli(['terminals', 'register', '--name', 'Line 2 HMI', '--line', LINE_2], env);
    expect(registered.code, registered.stderr).toBe(0);
    expect(registered.stdout).toMatch(/Enrolment code \(shown once; .*\): [A-Z2-9]{10}$/m);
    const refused = await cli(['terminals', 'register', '--name', 'Area HMI', '--line', '/site-1/area-1'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^bastion: .*line/);
    const listed = await cli(['terminals', 'list'], env);
    expect(listed.stdout).toMatch(new RegExp(`^Line 2 HMI +[0-9a-f-]{36} +${LINE_2} +- +- +-$`, 'm'));
  });
});
