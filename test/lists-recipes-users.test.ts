import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, enrolMfa, type Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import { forgedCursors, inOrder, pageOf, pageThrough } from './support/pages.js';
import { seedPlant } from './support/plant.js';

const LINE1 = '/site-1/area-1/line-1';

interface Recipe {
  code: string;
  product: string;
  latestVersion: number | null;
}
interface Version {
  version: number;
  state: string;
}
interface User {
  id: string;
  username: string;
  kind: string;
  disabled: boolean;
}

// Issue 12, items 5 and 6: recipes, their versions and accounts as paged lists; none of them is at a place.
describe(`recipe and account lists (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let author: Session;
  let operator: Session; // recipes.read at line 1 only
  const run = <T>(name: string, input: object) => t.bastion.pipeline.execute<T>(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const post = async (url: string, payload: object, session: Session) => {
    const response = await app.inject({ method: 'POST', url, headers: session.headers, payload });
    expect(response.statusCode, response.body).toBe(200);
  };
  const content = (reason: string) => ({
    parameters: [{ name: 'mould temperature', unit: '°C', setPoint: 210, low: 200, high: 220, critical: false }],
    steps: [{ name: 'heat', instruction: 'heat the mould' }],
    reason,
  });
  const recipe = (code: string, product: string) =>
    post('/api/recipes', { code, name: `recipe ${code}`, product, ...content('first version') }, author);
  const user = (username: string, kind: 'human' | 'service' = 'human') =>
    run<{ user: { id: string } }>('identity.user.create', { username, displayName: `User ${username}`, kind });

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    await seedPlant(t.bastion);
    admin = await adminSession(app, t);
    for (const code of ['CAP', 'LID'])
      await post('/api/materials', { code, name: `${code} part`, kind: 'finished', unit: 'pcs' }, admin);
    author = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'pia', roles: [{ role: 'process-engineer' }] }),
    );
    await enrolMfa(app, author);
    const otto = await makeUser(t.bastion, app, { username: 'otto', roles: [{ role: 'operator', scope: LINE1 }] });
    operator = await sessionOf(app, otto);
    for (const code of ['RX-CAP-A', 'RX-CAP-B', 'RX-LID-A']) await recipe(code, code.includes('CAP') ? 'CAP' : 'LID');
    await post('/api/recipes/versions/submit', { recipe: 'RX-CAP-B', version: 1 }, author);
    for (let v = 2; v <= 5; v++)
      await post('/api/recipes/versions', { recipe: 'RX-LID-A', ...content(`change ${v}`) }, author);
    await post('/api/recipes/versions/submit', { recipe: 'RX-LID-A', version: 3 }, author);
    await user('svc-erp', 'service');
    const disabled = await user('zed-left');
    await run('identity.user.disable', { userId: disabled.user.id });
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('lists recipes by code, filtered by product and by the state of a version, to any recipes.read holder', async () => {
    const codes = async (query: string, session = operator) =>
      (await pageOf<Recipe>(app, `/api/recipes${query}`, session)).items.map((r) => r.code);
    // The operator holds recipes.read on line 1 only: recipes belong to products, so it lists them all.
    expect(await codes('')).toEqual(['RX-CAP-A', 'RX-CAP-B', 'RX-LID-A']);
    expect(await codes('?product=CAP')).toEqual(['RX-CAP-A', 'RX-CAP-B']);
    expect(await codes('?state=in-review')).toEqual(['RX-CAP-B', 'RX-LID-A']);
    expect(await codes('?state=draft&product=LID')).toEqual(['RX-LID-A']);
    expect(await codes('?state=effective')).toEqual([]);
    const lid = (await pageOf<Recipe>(app, '/api/recipes?product=LID', operator)).items[0];
    expect(lid).toMatchObject({ product: 'LID', latestVersion: 5 });
    expect((await app.inject({ url: '/api/recipes?state=lost', headers: operator.headers })).statusCode).toBe(400);
  });

  it('pages through recipes and versions once, in order, while more are created between pages', async () => {
    const recipes = await pageThrough<Recipe>(app, '/api/recipes', operator, 1, async (page) => {
      if (page === 1) await recipe('RX-AAA', 'CAP'); // sorts before the cursor: not in this reading
      if (page === 2) await recipe('RX-ZZZ', 'LID'); // after it: read on the last page
    });
    expect(recipes.items.map((r) => r.code)).toEqual(['RX-CAP-A', 'RX-CAP-B', 'RX-LID-A', 'RX-ZZZ']);
    const versions = await pageThrough<Version>(app, '/api/recipes/RX-LID-A/versions', operator, 2, async (page) => {
      if (page === 1) await post('/api/recipes/versions', { recipe: 'RX-LID-A', ...content('while paging') }, author);
    });
    expect(versions.items.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6]);
    const inReview = await pageOf<Version>(app, '/api/recipes/RX-LID-A/versions?state=in-review', operator);
    expect(inReview.items).toEqual([expect.objectContaining({ version: 3, state: 'in-review' })]);
    const missing = await app.inject({ url: '/api/recipes/RX-NONE/versions', headers: operator.headers });
    expect(missing.statusCode).toBe(404);
  });

  it('lists accounts by user name, filtered by kind, disabled and role', async () => {
    const names = async (query: string) =>
      (await pageOf<User>(app, `/api/users${query}`, admin)).items.map((u) => u.username);
    const all = await names('');
    expect(all).toEqual(['admin', 'otto', 'pia', 'svc-erp', 'zed-left']);
    expect(await names('?kind=service')).toEqual(['svc-erp']);
    expect(await names('?disabled=true')).toEqual(['zed-left']);
    expect(await names('?disabled=false&kind=human')).toEqual(['admin', 'otto', 'pia']);
    expect(await names('?role=operator')).toEqual(['otto']);
    expect(await names('?role=process-engineer')).toEqual(['pia']);
    expect((await app.inject({ url: '/api/users?kind=robot', headers: admin.headers })).statusCode).toBe(400);
    const paged = await pageThrough<User>(app, '/api/users', admin, 2, async (page) => {
      if (page === 1) await user('aaron'); // before the cursor
      if (page === 2) await user('yves'); // after it
    });
    const seen = paged.items.map((u) => u.username);
    expect(seen).toEqual(['admin', 'otto', 'pia', 'svc-erp', 'yves', 'zed-left']);
    expect(inOrder(paged.items, (a, b) => a.username.localeCompare(b.username))).toBe(true);
  });

  it('answers 400 for a recipe, version or account cursor it did not give out', async () => {
    const lists: [string, Session][] = [
      ['/api/recipes', operator],
      ['/api/recipes/RX-LID-A/versions', operator],
      ['/api/users', admin],
    ];
    for (const [url, session] of lists) {
      const first = await pageOf<unknown>(app, `${url}?limit=1`, session);
      for (const cursor of forgedCursors(first.nextCursor!)) {
        const response = await app.inject({ url: `${url}?cursor=${cursor}`, headers: session.headers });
        expect(response.statusCode, `${url} ${cursor}: ${response.body}`).toBe(400);
        expect(response.json()).toMatchObject({ code: 'validation_failed' });
      }
    }
  });
});
