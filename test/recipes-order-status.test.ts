import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, enrolMfa, type Session } from './support/http.js';
import { makeUser, sessionOf, type TestUser } from './support/identity.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';
/** Values no other field can hold by chance: a leak is found by searching the response text. */
const SECRETS = [187.375, 171.625, 203.125, 9.4375, 6.8125, 12.1875];
const parameters = [
  { name: 'barrel temperature', unit: '°C', setPoint: 187.375, low: 171.625, high: 203.125, critical: false },
  { name: 'screw speed', unit: 'rpm', setPoint: 9.4375, low: 6.8125, high: 12.1875, critical: false },
];

interface Status {
  controlRecipes: { recipe: string; version: number }[];
  downloads: { equipment: string; state: string; readBack: { parameter: string; matches: boolean }[] }[];
  deviations: { parameter: string; kind: string; critical: boolean }[];
  deviationCount: number;
}

// Issue 13 §7: who signed a recipe version, and the read-back and deviations of an order, as masked reads.
describe(`recipe signatures and order recipe status (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let author: Session;
  let approver: TestUser;
  let operator: Session; // recipes.read on line 1 only
  let otherLine: Session; // recipes.read on line 2 only
  const post = async (url: string, payload: object, session: Session) => {
    const response = await app.inject({ method: 'POST', url, headers: session.headers, payload });
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    return response;
  };
  const get = (url: string, session: Session) => app.inject({ url, headers: session.headers });

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    await seedPlant(t.bastion);
    admin = await adminSession(app, t);
    await post('/api/materials', { code: 'TUBE', name: 'tube', kind: 'finished', unit: 'pcs' }, admin);
    await post('/api/materials', { code: 'PE', name: 'polyethylene', kind: 'raw', unit: 'kg' }, admin);
    const routing = [{ sequence: 10, name: 'extrude', workCell: LINE, standardCycleSeconds: 6, idealCycleSeconds: 5 }];
    const bom = [{ material: 'PE', quantity: 0.01, unit: 'kg' }];
    await post('/api/products/versions', { product: 'TUBE', bom, routing, reason: 'tubes, first version' }, admin);
    await post('/api/products/versions/release', { product: 'TUBE', version: 1 }, admin);
    const pia = await makeUser(t.bastion, app, { username: 'pia', roles: [{ role: 'process-engineer' }] });
    author = await sessionOf(app, pia);
    await enrolMfa(app, author);
    approver = await makeUser(t.bastion, app, { username: 'quinn', roles: [{ role: 'quality' }] });
    operator = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'otto', roles: [{ role: 'operator', scope: LINE }] }),
    );
    otherLine = await sessionOf(
      app,
      await makeUser(t.bastion, app, {
        username: 'olga',
        roles: [{ role: 'operator', scope: '/site-1/area-1/line-2' }],
      }),
    );
    const steps = [{ name: 'extrude', instruction: 'extrude the tube' }];
    await post(
      '/api/recipes',
      { code: 'RX-TUBE', name: 'Tube', product: 'TUBE', parameters, steps, reason: 'first' },
      author,
    );
    await post('/api/recipes/versions/submit', { recipe: 'RX-TUBE', version: 1 }, author);
    const signature = { meaning: 'approved', username: 'quinn', password: approver.password };
    await post(
      '/api/recipes/versions/approve',
      { input: { recipe: 'RX-TUBE', version: 1 }, signature },
      await sessionOf(app, approver),
    );
    await post('/api/recipes/versions/activate', { recipe: 'RX-TUBE', version: 1 }, author);
    await post('/api/orders', { number: 'WO-TUBE-1', product: 'TUBE', quantity: 100 }, admin);
    await post('/api/orders/release', { number: 'WO-TUBE-1' }, admin);
    await post('/api/orders/dispatch', { number: 'WO-TUBE-1', line: LINE }, admin);
    await post('/api/orders/operations/start', { number: 'WO-TUBE-1', line: LINE, sequence: 10 }, admin);
    await post('/api/recipes/issue', { recipe: 'RX-TUBE', order: 'WO-TUBE-1' }, admin);
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('shows each version with its author and the approvers’ signature manifestation (name, meaning, time)', async () => {
    const versions = (await get('/api/recipes/RX-TUBE/versions', operator)).json<{
      items: { author: string; approvals: { signer: string; name: string; meaning: string; at: string }[] }[];
    }>();
    expect(versions.items).toEqual([
      expect.objectContaining({
        author: 'pia',
        approvals: [{ signer: 'quinn', name: 'Test quinn', meaning: 'approved', at: expect.any(String) }],
      }),
    ]);
    const one = (await get('/api/recipes/RX-TUBE/versions/1', author)).json<{
      author: string;
      approvals: unknown[];
    }>();
    expect(one).toMatchObject({ author: 'pia', approvals: [{ signer: 'quinn', meaning: 'approved' }] });
  });

  it('lists an order’s control recipe, its read-back per parameter and its deviations, without values', async () => {
    const status = async () => (await get('/api/orders/WO-TUBE-1/recipe-status', operator)).json<Status>();
    expect(await status()).toMatchObject({ controlRecipes: [{ recipe: 'RX-TUBE', version: 1 }], downloads: [] });
    await post('/api/recipes/download', { order: 'WO-TUBE-1', equipment: LINE }, admin);
    const readings = [
      { parameter: 'barrel temperature', value: 187.375, ts: Date.now() },
      { parameter: 'screw speed', value: 10.5, ts: Date.now() },
    ];
    await post('/api/set-points', { equipment: LINE, readings }, operator);
    await post(
      '/api/process-values',
      { equipment: LINE, values: [{ parameter: 'barrel temperature', value: 250.5, ts: Date.now() }] },
      operator,
    );
    const answer = await get('/api/orders/WO-TUBE-1/recipe-status', operator);
    expect(answer.statusCode).toBe(200);
    const body = answer.json<Status>();
    expect(body.downloads).toEqual([
      expect.objectContaining({
        equipment: LINE,
        state: 'mismatch',
        readBack: [
          expect.objectContaining({ parameter: 'barrel temperature', matches: true }),
          expect.objectContaining({ parameter: 'screw speed', matches: false }),
        ],
      }),
    ]);
    expect(body.deviations.map((d) => [d.parameter, d.kind, d.critical])).toEqual([
      ['barrel temperature', 'out-of-range', false],
      ['screw speed', 'set-point-mismatch', false],
    ]);
    expect(body.deviationCount).toBe(2);
    // As a JSON number (a time such as 02:35:10.512Z holds "10.5" as text, and must not fail the test).
    for (const value of [...SECRETS, 10.5, 250.5])
      expect(answer.body).not.toMatch(new RegExp(`[:,\\[]${String(value).replace('.', '\\.')}[,\\]}]`));
  });

  it('compares parameters by value, whatever the order of their fields in the request', async () => {
    const reordered = parameters.map(({ critical, high, low, setPoint, unit, name }) => ({
      critical,
      high,
      low,
      setPoint,
      unit,
      name,
    }));
    await post(
      '/api/recipes/versions',
      { recipe: 'RX-TUBE', parameters: reordered, steps: [], reason: 'same values' },
      author,
    );
    const diff = (await get('/api/recipes/RX-TUBE/diff?from=1&to=2', author)).json<{
      parameters: { name: string; change: string }[];
    }>();
    expect(diff.parameters.map((p) => p.change)).toEqual(['same', 'same']);
  });

  it('answers 404 for an order outside the reader’s lines and for an unknown order', async () => {
    expect((await get('/api/orders/WO-TUBE-1/recipe-status', otherLine)).statusCode).toBe(404);
    expect((await get('/api/orders/WO-NONE/recipe-status', operator)).statusCode).toBe(404);
  });
});
