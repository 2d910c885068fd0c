import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, ManualClock, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import type { Session } from './support/http.js';
import { makeUser, sessionOf, type TestUser } from './support/identity.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';
const PRESS = `${LINE}/press`;
const HOUR = 3_600_000;

// Maintenance orders, preventive plans by calendar and counter, down time and equipment history (issue 5, item 8).
describe(`maintenance (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let operator: Session;
  let mechanic: Session;
  const clock = new ManualClock();
  let users: { operator: TestUser; mechanic: TestUser };
  /** Moves the plant's clock; sessions idle out over long moves, so everyone logs in again. */
  const later = async (ms: number) => {
    clock.advance(ms);
    operator = await sessionOf(app, users.operator);
    mechanic = await sessionOf(app, users.mechanic);
  };

  const post = (url: string, payload: object, session = mechanic) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });
  const get = (url: string, session = mechanic) => app.inject({ url, headers: session.headers });

  beforeAll(async () => {
    t = await createTestBastion({}, clock);
    app = await buildHttpApp(t.bastion);
    await seedPlant(t.bastion);
    await t.bastion.pipeline.execute(
      'plant.node.create',
      { parentPath: LINE, level: 'equipment', code: 'press', name: 'Press 1' },
      CONSOLE_ACTOR,
      CLI_ORIGIN,
    );
    users = {
      operator: await makeUser(t.bastion, app, { username: 'olga', roles: [{ role: 'operator', scope: LINE }] }),
      mechanic: await makeUser(t.bastion, app, { username: 'mats', roles: [{ role: 'maintenance', scope: LINE }] }),
    };
    await later(0);
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('runs a corrective order: fault reported, work started (equipment down), completed with parts', async () => {
    await post('/api/performance/states', { equipment: PRESS, state: 'running' }, operator);
    const opened = await post(
      '/api/maintenance/orders',
      { equipment: PRESS, description: 'hydraulic leak at ram' },
      operator,
    );
    expect(opened.statusCode, opened.body).toBe(200);
    const { number } = opened.json<{ number: string }>();
    expect(number).toBe('MO-000001');
    expect((await post('/api/maintenance/orders/start', { number, equipment: PRESS }, operator)).statusCode).toBe(403); // operators report, mechanics work
    expect(
      (await post('/api/maintenance/orders/complete', { number, equipment: PRESS, workDone: 'too early' })).json(),
    ).toMatchObject({
      code: 'illegal_transition',
    });
    await later(60_000);
    expect((await post('/api/maintenance/orders/start', { number, equipment: PRESS })).statusCode).toBe(200);
    await later(45 * 60_000);
    const done = await post('/api/maintenance/orders/complete', {
      number,
      equipment: PRESS,
      workDone: 'replaced seal kit on main ram, pressure tested at 250 bar',
      parts: [{ part: 'SEAL-KIT-R40', quantity: 1, unit: 'pcs' }],
    });
    expect(done.json()).toMatchObject({ state: 'completed', downtimeMinutes: 45 });

    const history = (await get(`/api/maintenance/history?equipment=${LINE}`)).json<{
      orders: { number: string; parts: { part: string }[] }[];
      downtimeMinutes: number;
    }>();
    expect(history.orders.map((o) => [o.number, o.parts.map((p) => p.part)])).toEqual([[number, ['SEAL-KIT-R40']]]);
    expect(history.downtimeMinutes).toBe(45);
    const from = new Date(clock.now() - 2 * HOUR).toISOString();
    const to = new Date(clock.now()).toISOString();
    const pareto = (await get(`/api/performance/downtime?equipment=${PRESS}&from=${from}&to=${to}`)).json<{
      reasons: { reason: string; minutes: number }[];
    }>();
    expect(pareto.reasons).toEqual([
      expect.objectContaining({ reason: `${number}: hydraulic leak at ram`, minutes: 45 }),
    ]);
    expect((await get(`/api/maintenance/history?equipment=/site-1/area-1/line-2`)).statusCode).toBe(403);
  });

  it('opens preventive orders when a calendar or counter plan is due, once', async () => {
    await post('/api/maintenance/plans', {
      code: 'PM-LUBE',
      equipment: PRESS,
      trigger: 'calendar',
      interval: 7,
      task: 'lubricate guides',
    });
    await post('/api/maintenance/plans', {
      code: 'PM-DIE',
      equipment: PRESS,
      trigger: 'counter',
      interval: 1000,
      task: 'inspect die wear',
    });
    const schedule = async () =>
      (await post('/api/maintenance/plans/schedule', { equipment: LINE })).json<{ opened: string[] }>().opened;
    expect(await schedule()).toEqual([]);
    await later(60_000);
    await post('/api/performance/counts', { equipment: PRESS, total: 999, good: 990, idealCycleSeconds: 2 }, operator);
    expect(await schedule()).toEqual([]);
    await post('/api/performance/counts', { equipment: PRESS, total: 1, good: 1, idealCycleSeconds: 2 }, operator);
    const byCounter = await schedule();
    expect(byCounter).toHaveLength(1);
    expect(await schedule()).toEqual([]); // still open: nothing new
    await later(7 * 24 * HOUR);
    const byCalendar = await schedule();
    expect(byCalendar).toHaveLength(1);
    const orders = (await get(`/api/maintenance/orders?equipment=${LINE}&state=open`)).json<{
      items: { number: string; kind: string; description: string }[];
    }>();
    expect(orders.items.map((o) => [o.kind, o.description.split(':')[0]]).sort()).toEqual([
      ['preventive', 'PM-DIE'],
      ['preventive', 'PM-LUBE'],
    ]);
    const [die] = byCounter;
    await post('/api/maintenance/orders/start', { number: die, equipment: PRESS });
    const wrongPlace = await post('/api/maintenance/orders/complete', {
      number: die,
      equipment: LINE,
      workDone: 'done elsewhere',
    });
    expect(wrongPlace.json()).toMatchObject({ code: 'wrong_equipment' });
    await post('/api/maintenance/orders/complete', {
      number: die,
      equipment: PRESS,
      workDone: 'die inspected, wear within limits',
    });
    // Everywhere is more than line 1: the mechanic lists what lies inside its grant, not the plant's orders.
    const everywhere = await get('/api/maintenance/orders');
    expect(everywhere.statusCode).toBe(200);
    expect(everywhere.json<{ items: unknown[] }>().items.length).toBeGreaterThan(0);
    expect(
      everywhere.json<{ items: { equipment: string }[] }>().items.every((o) => o.equipment.startsWith(`${LINE}/`)),
    ).toBe(true);
    const planResponse = await get(`/api/maintenance/plans?equipment=${LINE}`);
    expect(planResponse.statusCode, planResponse.body).toBe(200);
    const plans = planResponse.json<{
      items: { code: string; used: number; due: boolean }[];
    }>();
    expect(plans.items.find((p) => p.code === 'PM-DIE')).toMatchObject({ used: 0, due: false }); // counter restarts
    const duplicate = await post('/api/maintenance/plans', {
      code: 'PM-DIE',
      equipment: PRESS,
      trigger: 'counter',
      interval: 5,
      task: 'again',
    });
    expect(duplicate.json()).toMatchObject({ code: 'plan_exists' });
  });
});
