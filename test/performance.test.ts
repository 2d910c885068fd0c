import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import type { Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';
const PRESS = `${LINE}/press`;
const WELDER = `${LINE}/welder`;
const OVEN = `${LINE}/oven`;
const SAW = `${LINE}/saw`; // has no idealCycleSeconds
// Yesterday's early shift: in the past, so that the window is complete and nothing is in the future.
const START = Math.floor(Date.now() / 86_400_000 - 1) * 86_400_000 + 6 * 3_600_000;
const iso = (minute: number) => new Date(START + minute * 60_000).toISOString();

// Machine states, counts, OEE and down-time analysis over HTTP (issue 5, item 7).
describe(`performance (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let operator: Session;

  const post = (url: string, payload: object, session = operator) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });
  const get = (url: string) => app.inject({ url, headers: operator.headers });
  const state = (equipment: string, minute: number, s: string, extra: object = {}) =>
    post('/api/performance/states', { equipment, state: s, at: iso(minute), ...extra });

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    await seedPlant(t.bastion);
    for (const [code, ideal] of [
      ['press', 1.0],
      ['welder', 2.0],
      ['oven', 1.0],
      ['saw', null],
    ] as const)
      await t.bastion.pipeline.execute(
        'plant.node.create',
        {
          parentPath: LINE,
          level: 'equipment',
          code,
          name: code,
          properties: ideal === null ? [] : [{ id: 'idealCycleSeconds', value: ideal, unitOfMeasure: 's' }],
        },
        CONSOLE_ACTOR,
        CLI_ORIGIN,
      );
    operator = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'opal', roles: [{ role: 'operator', scope: LINE }] }),
    );
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('computes the worked example from recorded states and counts (oee.com: 74.79 %)', async () => {
    const steps: [number, string, object?][] = [
      [0, 'running'],
      [120, 'planned-stop'],
      [135, 'running'],
      [200, 'down', { reason: 'jam at infeed' }],
      [230, 'running'],
      [240, 'planned-stop'],
      [270, 'running'],
      [360, 'planned-stop'],
      [375, 'down', { reason: 'die change', category: 'setup' }],
      [392, 'running'],
      [480, 'planned-stop'],
    ];
    for (const [minute, s, extra] of steps) expect((await state(PRESS, minute, s, extra)).statusCode).toBe(200);
    expect(
      (await post('/api/performance/counts', { equipment: PRESS, total: 10_000, good: 9_800, at: iso(200) }))
        .statusCode,
    ).toBe(200);
    await post('/api/performance/counts', { equipment: PRESS, total: 9_271, good: 9_048, at: iso(470) });
    const result = (await get(`/api/performance/oee?equipment=${PRESS}&from=${iso(0)}&to=${iso(480)}`)).json<{
      plannedMinutes: number;
      availability: number;
      performance: number;
      quality: number;
      oee: number;
      losses: { breakdowns: number; setupAndAdjustments: number };
    }>();
    expect(result.plannedMinutes, JSON.stringify(result)).toBe(420);
    expect(result.availability).toBeCloseTo(0.8881, 4);
    expect(result.performance).toBeCloseTo(0.8611, 4);
    expect(result.quality).toBeCloseTo(0.978, 4);
    expect(result.oee).toBeCloseTo(0.7479, 4);
    expect(result.losses).toMatchObject({ breakdowns: 30, setupAndAdjustments: 17 });

    const pareto = (await get(`/api/performance/downtime?equipment=${LINE}&from=${iso(0)}&to=${iso(480)}`)).json<{
      reasons: { reason: string; minutes: number }[];
    }>();
    expect(pareto.reasons.map((r) => [r.reason, r.minutes])).toEqual([
      ['jam at infeed', 30],
      ['die change', 17],
    ]);
    const svg = await get(`/api/performance/downtime?equipment=${LINE}&from=${iso(0)}&to=${iso(480)}&format=svg`);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('jam at infeed');
  });

  it('sums machines for a line: the calendar counts once per machine', async () => {
    await state(WELDER, 0, 'running');
    await state(WELDER, 480, 'planned-stop');
    await post('/api/performance/counts', { equipment: WELDER, total: 14_400, good: 14_400, at: iso(100) });
    const line = (await get(`/api/performance/oee?equipment=${LINE}&from=${iso(0)}&to=${iso(480)}`)).json<{
      machines: number;
      plannedMinutes: number;
      good: number;
      oee: number;
    }>();
    expect(line.machines).toBe(2);
    expect(line.plannedMinutes).toBe(420 + 480);
    // good × ideal over planned time: (18,848 × 1 s + 14,400 × 2 s) / 900 min
    expect(line.oee).toBeCloseTo((18_848 + 28_800) / 60 / 900, 10);
  });

  it('refuses what makes no sense, and equipment outside the operator’s scope', async () => {
    const refusals: [object, number, string][] = [
      [{ equipment: PRESS, state: 'down', at: iso(490) }, 400, 'validation_failed'], // no reason
      [{ equipment: PRESS, state: 'running', at: iso(100) }, 409, 'out_of_order'],
      [{ equipment: PRESS, state: 'running', at: iso(100_000) }, 400, 'validation_failed'], // the future
      [{ equipment: `${LINE}/nothing`, state: 'running' }, 404, 'not_found'],
      [{ equipment: PRESS, state: 'sleeping' }, 400, 'validation_failed'],
    ];
    for (const [payload, status, code] of refusals) {
      const response = await post('/api/performance/states', payload);
      expect([response.statusCode, response.json<{ code: string }>().code], response.body).toEqual([status, code]);
    }
    const overCount = await post('/api/performance/counts', { equipment: PRESS, total: 5, good: 6 });
    expect(overCount.statusCode).toBe(400);
    const elsewhere = await post('/api/performance/states', { equipment: '/site-1/area-1/line-2', state: 'running' });
    expect(elsewhere.statusCode).toBe(403);
    const otherLine = await get(`/api/performance/oee?equipment=/site-1/area-1/line-2&from=${iso(0)}&to=${iso(480)}`);
    expect(otherLine.statusCode).toBe(403); // reads are held to the operator's line too
    const backwards = await get(`/api/performance/oee?equipment=${PRESS}&from=${iso(10)}&to=${iso(0)}`);
    expect(backwards.statusCode).toBe(400);
  });
  it('turns machine telemetry into states and part counts; bad samples are skipped and counted', async () => {
    const WELDER_TS = (minute: number) => START + (600 + minute) * 60_000;
    const apply = (samples: object[]) => post('/api/performance/telemetry', { equipment: WELDER, samples });
    const first = await apply([
      { ts: WELDER_TS(0), state: 'running', total: 5000, good: 4990 }, // first counter reading: a baseline only
      { ts: WELDER_TS(10), total: 5300, good: 5285 },
      { ts: WELDER_TS(20), state: 'down', fault: 'wire feed stuck', total: 5600, good: 5580 },
      { ts: WELDER_TS(25), state: 'exploded' },
      { ts: WELDER_TS(30), state: 'running', total: 40, good: 40 }, // the counter restarted at zero
    ]);
    expect(first.json()).toEqual({ states: 3, parts: 640, unrated: 0, ignored: 1 });
    const window = `equipment=${WELDER}&from=${new Date(WELDER_TS(0)).toISOString()}&to=${new Date(WELDER_TS(31)).toISOString()}`;
    const result = (await get(`/api/performance/oee?${window}`)).json<{
      total: number;
      good: number;
      downMinutes: number;
    }>();
    expect(result).toMatchObject({ total: 640, good: 300 + 295 + 40 - 5, downMinutes: 10 });
    const pareto = (await get(`/api/performance/downtime?${window}`)).json<{ reasons: { reason: string }[] }>();
    expect(pareto.reasons.map((r) => r.reason)).toEqual(['wire feed stuck']);
  });

  it('reports time without data and disconnected time as unknown, outside planned time and availability loss', async () => {
    for (const [minute, s, extra] of [
      [0, 'running'],
      [60, 'down', { reason: 'burner fault' }],
      [70, 'running'],
      [100, 'disconnected'],
      [130, 'running'],
      [180, 'planned-stop'],
    ] as const)
      expect((await state(OVEN, minute, s, extra)).statusCode).toBe(200);
    // From minute -30: half an hour before the first state, with no data at all.
    const result = (await get(`/api/performance/oee?equipment=${OVEN}&from=${iso(-30)}&to=${iso(180)}`)).json<{
      unknownMinutes: number;
      plannedMinutes: number;
      runMinutes: number;
      downMinutes: number;
      availability: number;
      warnings: string[];
    }>();
    expect(result).toMatchObject({ unknownMinutes: 60, plannedMinutes: 150, runMinutes: 140, downMinutes: 10 });
    expect(result.availability).toBeCloseTo(140 / 150, 10); // only the burner fault is an availability loss
    expect(result.warnings).toEqual([expect.stringContaining('60.0 min without data')]);
    const svg = await get(`/api/performance/oee?equipment=${OVEN}&from=${iso(-30)}&to=${iso(180)}&format=svg`);
    expect(svg.body).toContain('60.0 min without data');
  });

  it('stores the counts of equipment without an ideal cycle time and answers that performance cannot be computed', async () => {
    await state(SAW, 0, 'running');
    await state(SAW, 60, 'planned-stop');
    const reply = await post('/api/performance/counts', { equipment: SAW, total: 100, good: 95, at: iso(30) });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json()).toMatchObject({
      total: 100,
      idealCycleSeconds: null,
      performanceComputable: false,
      warnings: [expect.stringContaining('performance and OEE cannot be computed')],
    });
    const stored = await t.bastion.storage.db
      .selectFrom('performance_counts')
      .selectAll()
      .where('equipment_path', '=', SAW)
      .execute();
    expect(stored.map((c) => [Number(c.total), c.ideal_cycle_seconds])).toEqual([[100, null]]);
    const oee = (await get(`/api/performance/oee?equipment=${SAW}&from=${iso(0)}&to=${iso(60)}`)).json<object>();
    expect(oee).toMatchObject({
      total: 100,
      good: 95,
      unratedParts: 100,
      availability: 1,
      performance: null,
      oee: null,
    });
    const svg = await get(`/api/performance/oee?equipment=${SAW}&from=${iso(0)}&to=${iso(60)}&format=svg`);
    expect(svg.body).toContain('n/a');
    // Telemetry from such equipment is counted too, and says how many parts it could not rate.
    const telemetry = await post('/api/performance/telemetry', {
      equipment: SAW,
      samples: [
        { ts: START + 40 * 60_000, total: 500, good: 500 },
        { ts: START + 50 * 60_000, total: 530, good: 528 },
      ],
    });
    expect(telemetry.json()).toEqual({ states: 0, parts: 30, unrated: 30, ignored: 0 });
  });

  it('refuses telemetry timestamped in the future, applying none of it', async () => {
    const ahead = await post('/api/performance/telemetry', {
      equipment: SAW,
      samples: [
        { ts: START + 70 * 60_000, state: 'down', fault: 'blade' }, // would apply on its own
        { ts: Date.now() + 3_600_000, state: 'running' },
      ],
    });
    expect([ahead.statusCode, ahead.json<{ code: string }>().code]).toEqual([400, 'validation_failed']);
    const states = await t.bastion.storage.db
      .selectFrom('performance_states')
      .select('state')
      .where('equipment_path', '=', SAW)
      .orderBy('started_at')
      .execute();
    expect(states.map((s) => s.state)).toEqual(['running', 'planned-stop']);
  });
});
