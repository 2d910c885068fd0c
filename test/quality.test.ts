import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, type Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';

// Quality: plans, computed verdicts, automatic hold, non-conformance with separation of duties, SPC (issue 4, item 5).
describe(`quality (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let inspector: Session;
  let reviewer: Session;
  let operator: Session;

  const post = (url: string, payload: object, session = admin) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });
  const get = (url: string, session = admin) => app.inject({ url, headers: session.headers });
  const lot = async (number: string) =>
    t.bastion.storage.db
      .selectFrom('genealogy_lots')
      .select(['state', 'available', 'hold_reason'])
      .where('number', '=', number)
      .executeTakeFirstOrThrow();
  const receive = (number: string, material = 'SHAFT') =>
    post('/api/lots/receive', { number, material, quantity: 100, supplier: 'Forge AG', supplierLot: number });
  const inspect = (lotNumber: string | undefined, diameter: number[], hardness = 60, session = inspector) =>
    post(
      '/api/quality/inspections',
      {
        plan: 'QP-SHAFT',
        ...(lotNumber !== undefined ? { lot: lotNumber } : {}),
        measurements: [
          { characteristic: 'diameter', values: diameter },
          { characteristic: 'hardness', values: [hardness] },
        ],
      },
      session,
    );

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    await post('/api/materials', { code: 'SHAFT', name: 'drive shaft', kind: 'finished', unit: 'pcs' });
    await post('/api/materials', { code: 'BOLT', name: 'bolt', kind: 'raw', unit: 'pcs' });
    inspector = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'quinn', roles: [{ role: 'quality' }] }),
    );
    reviewer = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'quirin', roles: [{ role: 'quality' }] }),
    );
    operator = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'oskar', roles: [{ role: 'operator' }] }),
    );
    const plan = await post(
      '/api/quality/plans',
      {
        code: 'QP-SHAFT',
        product: 'SHAFT',
        characteristics: [
          { name: 'diameter', unit: 'mm', nominal: 20, lower: 19.95, upper: 20.05, subgroupSize: 3 },
          { name: 'hardness', unit: 'HRC', nominal: 60, lower: 58, upper: 62 },
        ],
      },
      inspector,
    );
    expect(plan.statusCode, plan.body).toBe(200);
    expect(plan.json()).toMatchObject({ code: 'QP-SHAFT', version: 1, state: 'active' });
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('computes pass and fail from the limits; a failure holds the lot and opens an NCR in the same command', async () => {
    await receive('SH-1');
    const passed = await inspect('SH-1', [20.01, 19.99, 20.0]);
    expect(passed.json()).toMatchObject({ result: 'pass', failed: [], ncr: null, lotHeld: false });
    expect((await lot('SH-1')).state).toBe('available');

    const failed = await inspect('SH-1', [20.01, 20.06, 20.0], 57.5, operator); // operators may record results
    expect(failed.statusCode).toBe(200);
    const body = failed.json<{ result: string; failed: string[]; ncr: string; measurements: { passed: boolean }[] }>();
    expect(body.result).toBe('fail');
    expect(body.failed).toEqual(['diameter', 'hardness']);
    expect(body.measurements.map((m) => m.passed)).toEqual([true, false, true, false]);
    expect(body.ncr).toMatch(/^NCR-\d{6}$/);
    expect(await lot('SH-1')).toMatchObject({ state: 'held' });
    expect((await lot('SH-1')).hold_reason).toContain('diameter');

    const consume = await post(
      '/api/lots/produce',
      { output: { number: 'SH-1-KIT', material: 'SHAFT', quantity: 1 }, inputs: [{ lot: 'SH-1', quantity: 1 }] },
      admin,
    );
    expect(consume.json()).toMatchObject({ code: 'lot_held' });
    const listed = (await get('/api/quality/inspections?lot=SH-1')).json<{ items: { result: string }[] }>();
    expect(listed.items.map((i) => i.result)).toEqual(['fail', 'pass']);
  });

  it('a verdict cannot be entered, and measurements that do not match the plan change nothing', async () => {
    await receive('SH-2');
    const complete = [
      { characteristic: 'diameter', values: [20, 20, 20] },
      { characteristic: 'hardness', values: [99] },
    ];
    const before = (await get('/api/quality/inspections?limit=500')).json<{ items: unknown[] }>().items.length;
    const attempts = [
      { plan: 'QP-SHAFT', lot: 'SH-2', result: 'pass', measurements: [{ characteristic: 'hardness', values: [60] }] },
      { plan: 'QP-SHAFT', lot: 'SH-2', measurements: [{ characteristic: 'hardness', values: [60] }] },
      {
        plan: 'QP-SHAFT',
        lot: 'SH-2',
        measurements: [
          { characteristic: 'diameter', values: [20, 20] },
          { characteristic: 'hardness', values: [99] },
        ],
      },
      { plan: 'QP-NONE', lot: 'SH-2', measurements: complete },
      { plan: 'QP-SHAFT', lot: 'SH-404', measurements: complete },
    ];
    const statuses = [];
    for (const payload of attempts) {
      const response = await post('/api/quality/inspections', payload, inspector);
      expect(response.headers['content-type']).toContain('application/problem+json');
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([400, 400, 400, 404, 404]);
    await receive('BOLT-1', 'BOLT');
    expect((await inspect('BOLT-1', [20, 20, 20])).statusCode).toBe(400); // a bolt lot against a shaft plan
    expect((await get('/api/quality/inspections?limit=500')).json<{ items: unknown[] }>().items).toHaveLength(before);
    expect((await lot('SH-2')).state).toBe('available');
    const badPlan = await post(
      '/api/quality/plans',
      {
        code: 'QP-BAD',
        product: 'SHAFT',
        characteristics: [{ name: 'length', unit: 'mm', nominal: 5, lower: 10, upper: 1 }],
      },
      inspector,
    );
    expect(badPlan.statusCode).toBe(400);
    expect(
      (await post('/api/quality/plans', { code: 'QP-X', product: 'SHAFT', characteristics: [] }, operator)).statusCode,
    ).toBe(403);
  });

  it('dispositions: scrap scraps, rework keeps the hold, use-as-is waits on the NCR for a second person, then releases and names both', async () => {
    const ncrOf = async (number: string) => {
      await receive(number);
      return (await inspect(number, [20.2, 20, 20])).json<{ ncr: string }>().ncr;
    };
    const scrapNcr = await ncrOf('SH-10');
    expect(
      (
        await post(
          '/api/quality/ncrs/disposition',
          { ncr: scrapNcr, disposition: 'scrap', reason: 'bent beyond repair' },
          inspector,
        )
      ).json(),
    ).toMatchObject({ state: 'closed', disposition: 'scrap' });
    expect(await lot('SH-10')).toMatchObject({ state: 'scrapped', available: 0 });

    const reworkNcr = await ncrOf('SH-11');
    await post(
      '/api/quality/ncrs/disposition',
      { ncr: reworkNcr, disposition: 'rework', reason: 'regrind the bearing seat' },
      inspector,
    );
    expect((await lot('SH-11')).state).toBe('held');
    const again = await post(
      '/api/quality/ncrs/disposition',
      { ncr: reworkNcr, disposition: 'scrap', reason: 'changed my mind' },
      inspector,
    );
    expect(again.json()).toMatchObject({ code: 'illegal_transition' });

    const asIsNcr = await ncrOf('SH-12');
    const proposed = await post(
      '/api/quality/ncrs/disposition',
      { ncr: asIsNcr, disposition: 'use-as-is', reason: 'customer deviation D-17 accepted' },
      inspector,
    );
    expect(proposed.statusCode).toBe(202);
    const { approvalId } = proposed.json<{ approvalId: string }>();
    expect((await lot('SH-12')).state).toBe('held'); // nothing happens before the approval
    const self = await post(`/api/approvals/${approvalId}/approve`, {}, inspector);
    expect(self.statusCode).toBe(403);
    expect(self.json()).toMatchObject({ code: 'separation_of_duties' });
    expect((await post(`/api/approvals/${approvalId}/approve`, {}, operator)).statusCode).toBe(403); // lacks the permission
    const waiting = (await get(`/api/quality/ncrs?number=${asIsNcr}`)).json<{ items: object[] }>().items;
    expect(waiting).toEqual([
      expect.objectContaining({
        number: asIsNcr,
        state: 'open',
        pendingDisposition: expect.objectContaining({
          approvalId,
          disposition: 'use-as-is',
          reason: 'customer deviation D-17 accepted',
          requestedBy: 'quinn',
          approvals: 0,
          required: 1,
        }) as object,
      }),
    ]);
    const approved = await post(`/api/approvals/${approvalId}/approve`, {}, reviewer);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ disposition: 'use-as-is', state: 'closed' });
    expect((await get(`/api/quality/ncrs?number=${asIsNcr}`)).json()).toMatchObject({
      items: [{ state: 'closed', dispositionedBy: 'quinn', approvedBy: 'quirin', pendingDisposition: null }],
    });
    expect(await lot('SH-12')).toMatchObject({ state: 'available', hold_reason: null });
    const ncrs = (await get('/api/quality/ncrs?state=closed')).json<{
      items: { number: string; approved: boolean }[];
    }>();
    expect(ncrs.items.find((n) => n.number === asIsNcr)?.approved).toBe(true);
    expect(ncrs.items.find((n) => n.number === scrapNcr)?.approved).toBe(false);
  });

  it('raises a manual NCR, which holds the lot', async () => {
    await receive('SH-20');
    const raised = await post(
      '/api/quality/ncrs',
      { lot: 'SH-20', description: 'customer complaint: burrs' },
      inspector,
    );
    expect(raised.json()).toMatchObject({ state: 'open', lot: 'SH-20' });
    expect((await lot('SH-20')).state).toBe('held');
    expect((await post('/api/quality/ncrs', { description: 'x' }, inspector)).statusCode).toBe(400);
    expect((await post('/api/quality/ncrs', { description: 'looks wrong' }, operator)).statusCode).toBe(403);
  });

  it('charts a characteristic: X̄/R from the stored inspections, with limits and rule violations', async () => {
    await post(
      '/api/quality/plans',
      {
        code: 'QP-BOLT',
        product: 'BOLT',
        characteristics: [{ name: 'length', unit: 'mm', nominal: 50, lower: 49, upper: 51, subgroupSize: 2 }],
      },
      inspector,
    );
    const samples = [
      [50.0, 50.2],
      [49.9, 50.1],
      [50.1, 50.1],
      [50.0, 49.8],
      [50.9, 50.9],
    ];
    for (const values of samples)
      await post(
        '/api/quality/inspections',
        { plan: 'QP-BOLT', measurements: [{ characteristic: 'length', values }] },
        inspector,
      );
    const chart = (await get('/api/quality/spc?plan=QP-BOLT&characteristic=length&baseline=4')).json<{
      kind: string;
      points: { location: number; dispersion: number }[];
      location: { center: number; upper: number };
      dispersion: { center: number };
      violations: { rule: number; point: number }[];
    }>();
    expect(chart.kind).toBe('xbar-r');
    expect(chart.points.map((p) => p.location)).toEqual([50.1, 50, 50.1, 49.9, 50.9].map((x) => expect.closeTo(x, 9)));
    // Baseline of 4: x̿ = 50.025, R̄ = (0.2 + 0.2 + 0 + 0.2)/4 = 0.15, UCL = 50.025 + 1.880 × 0.15 = 50.307
    expect(chart.location.center).toBeCloseTo(50.025, 9);
    expect(chart.dispersion.center).toBeCloseTo(0.15, 9);
    expect(chart.location.upper).toBeCloseTo(50.307, 9);
    expect(chart.violations).toEqual([{ rule: 1, chart: 'location', point: 5, side: 'above' }]);
    const svg = await get('/api/quality/spc?plan=QP-BOLT&characteristic=length&baseline=4&format=svg');
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body.match(/<circle/g)).toHaveLength(10); // 5 subgroup means + 5 ranges
    expect(svg.body.match(/fill="#c62828"/g)).toHaveLength(1); // the one point beyond the UCL, in red
    expect(svg.body).toContain('UCL 50.3070');
    expect((await get('/api/quality/spc?plan=QP-BOLT&characteristic=width')).statusCode).toBe(404);
    expect(
      (await get('/api/quality/spc?plan=QP-BOLT&characteristic=length', { headers: {} } as Session)).statusCode,
    ).toBe(401);
  });
});
