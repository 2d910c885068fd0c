import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, ManualClock, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { adminSession, enrolMfa, totpNow, type Session } from './support/http.js';
import { makeUser, sessionOf, type TestUser } from './support/identity.js';

/** Values no other field of the responses can hold by chance, so a leak is found by searching the text. */
const SECRET_VALUES = [212.75, 198.5, 226.25, 47.125, 41.875, 52.625];
const parameters = (speed = 47.125) => [
  { name: 'mould temperature', unit: '°C', setPoint: 212.75, low: 198.5, high: 226.25, critical: true },
  { name: 'screw speed', unit: 'rpm', setPoint: speed, low: 41.875, high: 52.625, critical: false },
];

// Recipes under change control: separation of duties, two approvers for critical changes, seals (issue 6).
describe(`recipes (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let author: Session;
  let engineer: TestUser;
  let authorSecret: string;
  const approvers: { user: TestUser; session: Session }[] = [];
  let operator: Session;
  const clock = new ManualClock();

  const post = (url: string, payload: object, session: Session) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });
  const approve = (version: number, who: { user: TestUser; session: Session }) =>
    post(
      '/api/recipes/versions/approve',
      {
        input: { recipe: 'RX-CAP', version },
        signature: { meaning: 'approved', username: who.user.username, password: who.user.password },
      },
      who.session,
    );
  const state = async (version: number) =>
    (await app.inject({ url: `/api/recipes/RX-CAP/versions/${version}`, headers: operator.headers })).json<{
      state: string;
    }>().state;

  beforeAll(async () => {
    t = await createTestBastion({}, clock);
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    await post('/api/materials', { code: 'CAP', name: 'bottle cap', kind: 'finished', unit: 'pcs' }, admin);
    await post('/api/orders', { number: 'WO-CAP-1', product: 'CAP', quantity: 10_000 }, admin);
    engineer = await makeUser(t.bastion, app, { username: 'pia', roles: [{ role: 'process-engineer' }] });
    author = await sessionOf(app, engineer);
    authorSecret = (await enrolMfa(app, author)).secret;
    for (const username of ['quinn', 'quincy']) {
      const user = await makeUser(t.bastion, app, { username, roles: [{ role: 'quality' }] });
      approvers.push({ user, session: await sessionOf(app, user) });
    }
    operator = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'otto', roles: [{ role: 'operator' }] }),
    );
    const created = await post(
      '/api/recipes',
      {
        code: 'RX-CAP',
        name: 'Cap moulding',
        product: 'CAP',
        parameters: parameters(),
        steps: [{ name: 'heat', instruction: 'heat the mould' }],
        reason: 'first recipe',
      },
      author,
    );
    expect(created.statusCode, created.body).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('needs two approvers other than the author for a critical change, then seals and issues it', async () => {
    expect((await post('/api/recipes/versions/submit', { recipe: 'RX-CAP', version: 1 }, author)).json()).toMatchObject(
      {
        approvalsRequired: 2,
      },
    );
    clock.advance(31_000); // a fresh TOTP step for the author's own signature
    const own = await post(
      '/api/recipes/versions/approve',
      {
        input: { recipe: 'RX-CAP', version: 1 },
        signature: {
          meaning: 'approved',
          username: 'pia',
          password: engineer.password,
          totp: totpNow(authorSecret, clock.now()),
        },
      },
      author,
    );
    expect(own.json()).toMatchObject({ code: 'separation_of_duties' });
    expect((await approve(1, approvers[0]!)).json()).toMatchObject({ state: 'in-review', approvals: 1 });
    expect((await approve(1, approvers[0]!)).json()).toMatchObject({ code: 'duplicate_approver' });
    const early = await post('/api/recipes/versions/activate', { recipe: 'RX-CAP', version: 1 }, author);
    expect(early.json()).toMatchObject({ code: 'illegal_transition' }); // one approval of a critical change: not effective
    expect((await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1' }, admin)).json()).toMatchObject({
      code: 'not_effective',
    });
    expect((await approve(1, approvers[1]!)).json()).toMatchObject({ state: 'approved', approvals: 2 });
    expect((await post('/api/recipes/versions/activate', { recipe: 'RX-CAP', version: 1 }, author)).statusCode).toBe(
      200,
    );
    const issued = await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1' }, admin);
    expect(issued.json()).toMatchObject({ version: 1, seal: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
  it('a non-critical change needs one approval; a superseded or unapproved version cannot be issued', async () => {
    await post(
      '/api/recipes/versions',
      { recipe: 'RX-CAP', parameters: parameters(48.5), steps: [], reason: 'faster screw' },
      author,
    );
    expect(
      (await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1', version: 2 }, admin)).json(),
    ).toMatchObject({
      code: 'illegal_transition', // a draft
    });
    expect((await post('/api/recipes/versions/submit', { recipe: 'RX-CAP', version: 2 }, author)).json()).toMatchObject(
      {
        approvalsRequired: 1,
      },
    );
    expect((await approve(2, approvers[1]!)).json()).toMatchObject({ state: 'approved' });
    expect(
      (await post('/api/recipes/versions/activate', { recipe: 'RX-CAP', version: 2 }, author)).json(),
    ).toMatchObject({
      superseded: 1,
    });
    expect(await state(1)).toBe('superseded');
    const old = await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1', version: 1 }, admin);
    expect(old.json()).toMatchObject({ code: 'illegal_transition' });
    const diff = (await app.inject({ url: '/api/recipes/RX-CAP/diff?from=1&to=2', headers: operator.headers })).json<{
      parameters: { name: string; change: string }[];
    }>();
    expect(diff.parameters.map((p) => [p.name, p.change])).toEqual([
      ['mould temperature', 'same'],
      ['screw speed', 'changed'],
    ]);
  });

  it('never sends a secret value to a masked reader, on any recipe route', async () => {
    const gets = app.routeTable.filter((r) => r.method === 'GET' && r.url.startsWith('/api/recipes'));
    expect(gets.length).toBeGreaterThanOrEqual(4);
    for (const route of gets) {
      const url =
        route.url.replace(':code', 'RX-CAP').replace(':version', '2') +
        (route.url.endsWith('/diff') ? '?from=1&to=2' : '');
      const response = await app.inject({ url, headers: operator.headers });
      expect(response.statusCode, url).toBe(200);
      for (const value of [...SECRET_VALUES, 48.5])
        expect(response.body, `${url} leaks ${value}`).not.toContain(String(value));
    }
    const refused = await post('/api/recipes/read', { recipe: 'RX-CAP', version: 2 }, operator);
    expect(refused.statusCode).toBe(403);
    for (const value of SECRET_VALUES) expect(refused.body).not.toContain(String(value));
  });

  it('gives full values only through an audited, watermarked read', async () => {
    const read = await post('/api/recipes/read', { recipe: 'RX-CAP', version: 2, compareTo: 1 }, approvers[0]!.session);
    const body = read.json<{
      parameters: { setPoint: number }[];
      watermark: { reader: string; fingerprint: string };
    }>();
    expect(body.parameters.map((p) => p.setPoint)).toEqual([212.75, 48.5]);
    expect(body.watermark.reader).toBe(approvers[0]!.user.id);
    const audit = await app.inject({ url: '/api/audit/records?action=recipes.version.read', headers: admin.headers });
    expect(audit.body).toContain(body.watermark.fingerprint);
  });

  it('lists, shows (masked), diffs and verifies from the console', async () => {
    const list = await cli(['recipes', 'list'], t.env);
    expect(list.stdout).toMatch(/RX-CAP +Cap moulding +CAP +2 +2/);
    const show = await cli(['recipes', 'show', 'RX-CAP'], t.env);
    expect(show.stdout).toContain('mould temperature');
    expect(show.stdout).toContain('•••');
    for (const value of SECRET_VALUES) expect(show.stdout).not.toContain(String(value));
    const full = await cli(['recipes', 'show', 'RX-CAP', '--full', '--json'], t.env);
    expect(full.stdout).toContain('212.75'); // the console holds recipes.read-secret; the read is audited
    expect((await cli(['recipes', 'diff', 'RX-CAP', '1', '2'], t.env)).stdout).toMatch(/screw speed +changed/);
    const verify = await cli(['recipes', 'verify'], t.env);
    expect([verify.code, verify.stdout]).toEqual([0, expect.stringContaining('2 sealed version(s), all intact.')]);
  });

  it('blocks a version changed outside Bastion and refuses to issue it, on this database', async () => {
    const versions = await t.bastion.storage.db
      .selectFrom('recipe_versions')
      .select(['id', 'parameters'])
      .where('version', '=', 2)
      .executeTakeFirstOrThrow();
    // An attacker with database access nudges the critical set point by two degrees.
    await t.bastion.storage.db
      .updateTable('recipe_versions')
      .set({ parameters: versions.parameters.replace('212.75', '214.75') })
      .where('id', '=', versions.id)
      .execute();
    const issue = await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1' }, admin);
    expect(issue.statusCode).toBe(409);
    expect(issue.json()).toMatchObject({ code: 'seal_broken' });
    expect(await state(2)).toBe('blocked'); // the block survived the refusal
    const verify = await cli(['recipes', 'verify'], t.env);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('BROKEN  RX-CAP version 2 (blocked)');
    const again = await post('/api/recipes/issue', { recipe: 'RX-CAP', order: 'WO-CAP-1' }, admin);
    expect(again.json()).toMatchObject({ code: 'not_effective' });
    const audit = await app.inject({ url: '/api/audit/records?action=recipes.control.issue', headers: admin.headers });
    const outcomes = audit.json<{ records: { record: { outcome: string } }[] }>().records.map((r) => r.record.outcome);
    expect(outcomes).toContain('failed');
  });
});
