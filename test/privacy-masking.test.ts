import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import type { TestBastion } from './support/bastion.js';

/** A display name and recipe values no other field can hold by chance: a leak is found by searching the text. */
const DISPLAY_NAME = 'Wilhelmina Quetzal-Brandtmoor';
const RECIPE_VALUES = [312.4375, 287.0625, 333.8125];
const RECIPE = 'RX-MASK';
const PRODUCT = 'MASKCAP';

/** GET routes whose path parameters this test cannot fill with a seeded id, and why (kept tiny). */
const UNFILLED: Record<string, string> = {};

let t: TestBastion;
let app: FastifyInstance;
let admin: Session;
const ids: Record<string, string> = {};

const post = async (url: string, payload: object) => {
  const answer = await app.inject({ method: 'POST', url, headers: admin.headers, payload });
  expect(answer.statusCode, `${url}: ${answer.body}`).toBe(200);
  return answer.json<Record<string, unknown>>();
};

/** Seeds, through the API as the administrator, a person with a unique name and a recipe with unique values. */
async function seed(): Promise<void> {
  const created = await post('/api/users', { username: 'wilhelmina', displayName: DISPLAY_NAME });
  ids.user = (created.user as { id: string }).id;
  await post('/api/materials', { code: PRODUCT, name: 'masked cap', kind: 'finished', unit: 'pcs' });
  await post('/api/orders', { number: 'WO-MASK-1', product: PRODUCT, quantity: 100 });
  const [setPoint, low, high] = RECIPE_VALUES;
  await post('/api/recipes', {
    code: RECIPE,
    name: 'Masked moulding',
    product: PRODUCT,
    parameters: [{ name: 'mould temperature', unit: '°C', setPoint, low, high, critical: true }],
    steps: [{ name: 'heat', instruction: 'heat the mould' }],
    reason: 'masking test',
  });
}

/** The URL of a GET route with its path parameters filled from the seeded records, or undefined. */
function urlOf(path: string): string | undefined {
  const fill: Record<string, string> = {
    '/api/users/{id}': `/api/users/${ids.user}`,
    '/api/audit/records/{seq}': '/api/audit/records/1',
    '/api/audit/consistency': '/api/audit/consistency?from=1&to=2',
    '/api/recipes/{code}/diff': `/api/recipes/${RECIPE}/diff?from=1&to=1`,
    // No device is seeded: an unknown one still walks the route's answer.
    '/api/ingest/devices/{name}/values': '/api/ingest/devices/no-such-press/values?metric=Temperature',
  };
  if (fill[path] !== undefined) return fill[path];
  const filled = path
    .replace('/api/recipes/{code}', `/api/recipes/${RECIPE}`)
    .replace('/api/products/{code}', `/api/products/${PRODUCT}`)
    .replace('{version}', '1')
    .replace('{number}', 'WO-MASK-1')
    // No attachment, serial, lot or backup job is seeded: an unknown id still walks the route's answer.
    .replace(/\{(id|serial)\}/, '00000000-0000-7000-8000-000000000000');
  return filled.includes('{') ? undefined : filled;
}

async function getRoutes(): Promise<string[]> {
  const openapi = (await app.inject({ url: '/api/openapi.json' })).json<{ paths: Record<string, { get?: unknown }> }>();
  return Object.entries(openapi.paths)
    .filter(([, methods]) => methods.get !== undefined)
    .map(([path]) => path);
}

function leaks(body: string): string[] {
  return [DISPLAY_NAME, ...RECIPE_VALUES.map(String)].filter((secret) => body.includes(secret));
}

beforeAll(async () => {
  ({ t, app } = await httpTestBastion());
  admin = await adminSession(app, t);
  await seed();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

describe('masking by clearance in the response layer', () => {
  it('never shows the display name or a recipe value on any GET route to an operator or an auditor', async () => {
    const readers = {
      operator: await sessionOf(app, await makeUser(t.bastion, app, { username: 'mo', roles: [{ role: 'operator' }] })),
      auditor: await sessionOf(app, await makeUser(t.bastion, app, { username: 'ada', roles: [{ role: 'auditor' }] })),
    };
    const routes = await getRoutes();
    expect(routes.length).toBeGreaterThan(40);
    let answered = 0;
    for (const path of routes) {
      const url = urlOf(path);
      if (url === undefined) {
        expect(UNFILLED, `${path} has no filled URL and no listed reason`).toHaveProperty(path);
        continue;
      }
      for (const [who, session] of Object.entries(readers)) {
        const answer = await app.inject({ method: 'GET', url, headers: session.headers });
        expect(leaks(answer.body), `GET ${url} as ${who} (${answer.statusCode})`).toEqual([]);
        if (answer.statusCode === 200) answered++;
      }
    }
    // The walk means something only if the readers were answered on many routes, not refused everywhere.
    expect(answered).toBeGreaterThan(30);
  });

  it('shows the display name to the administrator, who holds privacy.personal.read', async () => {
    for (const url of ['/api/users', `/api/users/${ids.user}`, '/api/overrides/accounts']) {
      const answer = await app.inject({ method: 'GET', url, headers: admin.headers });
      expect(answer.statusCode, url).toBe(200);
      expect(answer.body, url).toContain(DISPLAY_NAME);
    }
  });

  it("masks the display name as '•••' for an auditor who may list users but holds no personal clearance", async () => {
    const auditor = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'audra', roles: [{ role: 'auditor' }] }),
    );
    const answer = await app.inject({ method: 'GET', url: `/api/users/${ids.user}`, headers: auditor.headers });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.body).toContain('"displayName":"•••"');
    expect(answer.body).toContain('"username":"wilhelmina"');
  });

  it('shows the recipe values to a reader cleared for trade secrets, through the audited read', async () => {
    const read = await post('/api/recipes/read', { recipe: RECIPE, version: 1 });
    expect(JSON.stringify(read)).toContain(String(RECIPE_VALUES[0]));
  });
});
