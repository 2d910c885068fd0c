import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import type { AccessMatrix } from '../src/modules/identity/matrix.js';
import { builtInRoles } from '../src/modules/identity/roles.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, type Session } from './support/http.js';
import { enrolledSession, makeUser } from './support/identity.js';
import { LINE_1, seedLineRecords } from './support/line-records.js';
import { seedPlant } from './support/plant.js';

type Body = Record<string, unknown> & { items?: Record<string, unknown>[] };
const column = (body: Body, key: string) => (body.items ?? []).map((item) => item[key]);

/**
 * Each GET route of production, genealogy and quality, as a caller on line 1 calls it, and what it must then
 * see: the records of line 1 and those bound to no line, never those of line 2.
 */
function samples(attachmentId: string): Record<string, { url: string; sees?: (body: Body) => void }> {
  return {
    '/api/materials': { url: '/api/materials' },
    '/api/products/:code/versions': { url: '/api/products/FRAME/versions' },
    '/api/products/:code/versions/:version/attachments': { url: '/api/products/FRAME/versions/1/attachments' },
    '/api/attachments/:id': { url: `/api/attachments/${attachmentId}` },
    '/api/orders': {
      url: '/api/orders',
      sees: (body) => expect(column(body, 'number')).toEqual(['WO-L1', 'WO-PLAN']),
    },
    '/api/orders/:number': { url: '/api/orders/WO-L1' },
    '/api/lots': { url: '/api/lots', sees: (body) => expect(column(body, 'number')).toEqual(['P-L1', 'RAW-1']) },
    '/api/lots/:number': { url: '/api/lots/P-L1' },
    '/api/lots/:number/trace': {
      url: '/api/lots/RAW-1/trace?direction=forward',
      sees: (body) => expect(body).toMatchObject({ lots: [{ number: 'P-L1' }], orders: ['WO-L1'], withheld: 1 }),
    },
    '/api/serials': {
      url: '/api/serials',
      sees: (body) => expect(column(body, 'serial')).toEqual(['SN-L1-1', 'SN-L1-2']),
    },
    '/api/serials/:serial': { url: '/api/serials/SN-L1-1' },
    '/api/quality/plans': { url: '/api/quality/plans' },
    '/api/quality/inspections': {
      url: '/api/quality/inspections',
      sees: (body) => expect(column(body, 'lot')).toEqual(['P-L1', 'P-L1']),
    },
    '/api/quality/ncrs': { url: '/api/quality/ncrs', sees: (body) => expect(column(body, 'lot')).toEqual(['P-L1']) },
    '/api/quality/spc': {
      url: '/api/quality/spc?plan=QP-FRAME&characteristic=width',
      sees: (body) => expect(body.inspectedAt).toHaveLength(2),
    },
  };
}

const MODULES = /^(production|genealogy|quality)\./;

// Issue 12 item 6: reads are scoped like writes, and the access matrix tells the truth about them.
describe(`scoped reads of production, genealogy and quality (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let matrix: AccessMatrix;
  let attachmentId: string;
  const sessions = new Map<string, Session>();

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    ({ attachmentId } = await seedLineRecords(app, admin));
    matrix = (await app.inject({ url: '/api/access/matrix', headers: admin.headers })).json<AccessMatrix>();
    for (const role of builtInRoles) {
      const vendor = role.name === 'vendor';
      const user = await makeUser(t.bastion, app, {
        username: `line-${role.name}`,
        roles: [{ role: role.name, scope: LINE_1 }],
        ...(vendor ? { vendor, expiresAt: new Date(Date.now() + 86_400_000).toISOString() } : {}),
      });
      sessions.set(role.name, await enrolledSession(app, user));
    }
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it("every role granted on a line gets 200 and only its line's records where the matrix says it reads, else 403", async () => {
    const routes = samples(attachmentId);
    const reads = matrix.permissions
      .filter((p) => MODULES.test(p.permission))
      .flatMap((p) =>
        p.routes.filter((r) => r.startsWith('GET ')).map((r) => ({ permission: p, url: r.slice('GET '.length) })),
      );
    // Every route in the matrix has a sample here, so a new read route cannot slip past this test.
    expect(reads.map((r) => r.url).sort()).toEqual(Object.keys(routes).sort());
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const role of builtInRoles) {
      const session = sessions.get(role.name)!;
      for (const { permission, url } of reads) {
        const holds = ['everyone', 'authenticated', role.name].some((h) => permission.holders.includes(h));
        const sample = routes[url]!;
        const response = await app.inject({ url: sample.url, headers: session.headers });
        outcomes.push(`${role.name} ${url} ${response.statusCode}`);
        expected.push(`${role.name} ${url} ${holds ? 200 : 403}`);
        if (holds && response.statusCode === 200 && sample.sees) sample.sees(response.json<Body>());
      }
    }
    expect(outcomes).toEqual(expected);
    // The roles the issue names do read these records on their line.
    for (const role of ['operator', 'maintenance', 'quality'])
      expect(outcomes.filter((o) => o.startsWith(`${role} `) && !o.endsWith(' 200'))).toEqual([]);
  });

  it('a single record of another line is answered as one that does not exist (404), not as forbidden', async () => {
    const operator = sessions.get('operator')!;
    const refusals = await Promise.all(
      ['/api/orders/WO-L2', '/api/lots/P-L2', '/api/lots/P-L2/trace?direction=backward', '/api/serials/SN-L2-1'].map(
        async (url) => {
          const response = await app.inject({ url, headers: operator.headers });
          return [url, response.statusCode, response.json<{ code: string }>().code];
        },
      ),
    );
    expect(refusals).toEqual([
      ['/api/orders/WO-L2', 404, 'not_found'],
      ['/api/lots/P-L2', 404, 'not_found'],
      ['/api/lots/P-L2/trace?direction=backward', 404, 'not_found'],
      ['/api/serials/SN-L2-1', 404, 'not_found'],
    ]);
    // The same text as for a record that does not exist at all: the answer reveals nothing.
    const missing = await app.inject({ url: '/api/orders/WO-NONE', headers: operator.headers });
    const hidden = await app.inject({ url: '/api/orders/WO-L2', headers: operator.headers });
    expect(hidden.json<{ detail: string }>().detail).toBe(
      missing.json<{ detail: string }>().detail.replace('WO-NONE', 'WO-L2'),
    );
  });

  it('a grant at the enterprise sees every line, and the trace is complete (nothing withheld)', async () => {
    const orders = await app.inject({ url: '/api/orders', headers: admin.headers });
    expect(column(orders.json<Body>(), 'number')).toEqual(['WO-L1', 'WO-L2', 'WO-PLAN']);
    const traced = await app.inject({ url: '/api/lots/RAW-1/trace?direction=forward', headers: admin.headers });
    expect(traced.json()).toMatchObject({ orders: ['WO-L1', 'WO-L2'], withheld: 0 });
  });
});
