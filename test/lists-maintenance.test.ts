import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, ManualClock, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import type { Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import { forgedCursors, inOrder, pageOf, pageThrough } from './support/pages.js';
import { seedPlant } from './support/plant.js';

const LINE1 = '/site-1/area-1/line-1';
const LINE2 = '/site-1/area-1/line-2';
const PRESS = `${LINE1}/press`;
const LATHE = `${LINE2}/lathe`;
const MINUTE = 60_000;

interface Order {
  number: string;
  equipment: string;
  kind: string;
  state: string;
  createdAt: string;
}
interface Plan {
  code: string;
  equipment: string;
  trigger: string;
}

/** Newest first; orders opened in the same instant are ordered by their id, which the list does not show. */
const newestFirst = (a: Order, b: Order) => (a.createdAt === b.createdAt ? -1 : b.createdAt.localeCompare(a.createdAt));

// Issue 12, items 5 and 6: maintenance orders and plans as paged lists, scoped to the reader's grants.
describe(`maintenance lists (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let planner: Session; // maintenance at /
  let mechanic: Session; // maintenance at line 1 only
  const clock = new ManualClock();
  const run = (name: string, input: object) => t.bastion.pipeline.execute(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  /** Maintenance is not run from the console: the planner does it over HTTP, as the shop floor would. */
  const post = async <T>(url: string, payload: object) => {
    const response = await app.inject({ method: 'POST', url, headers: planner.headers, payload });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<T>();
  };
  const fault = async (equipment: string, description: string) => {
    clock.advance(MINUTE);
    return (await post<Order>('/api/maintenance/orders', { equipment, description })).number;
  };
  const plan = (code: string, equipment: string, trigger: 'calendar' | 'counter') =>
    post('/api/maintenance/plans', { code, equipment, trigger, interval: 0.001, task: 'lubricate the guides' });
  const orders = (query = '', session = planner) =>
    pageOf<Order>(app, `/api/maintenance/orders?limit=500${query}`, session).then((p) => p.items);

  beforeAll(async () => {
    t = await createTestBastion({}, clock);
    app = await buildHttpApp(t.bastion);
    await seedPlant(t.bastion);
    await run('plant.node.create', { parentPath: LINE1, level: 'equipment', code: 'press', name: 'Press 1' });
    await run('plant.node.create', { parentPath: LINE2, level: 'equipment', code: 'lathe', name: 'Lathe 1' });
    const users = {
      planner: await makeUser(t.bastion, app, { username: 'pia', roles: [{ role: 'maintenance' }] }),
      mechanic: await makeUser(t.bastion, app, { username: 'mats', roles: [{ role: 'maintenance', scope: LINE1 }] }),
    };
    planner = await sessionOf(app, users.planner);
    mechanic = await sessionOf(app, users.mechanic);
    for (let i = 1; i <= 4; i++) await fault(PRESS, `press fault number ${i}`);
    for (let i = 1; i <= 3; i++) await fault(LATHE, `lathe fault number ${i}`);
    await post('/api/maintenance/orders/start', { number: 'MO-000002', equipment: PRESS });
    await post('/api/maintenance/orders/start', { number: 'MO-000005', equipment: LATHE });
    await post('/api/maintenance/orders/complete', {
      number: 'MO-000005',
      equipment: LATHE,
      workDone: 'chuck replaced',
    });
    await plan('PM-LUBE-PRESS', PRESS, 'calendar');
    await plan('PM-LUBE-LATHE', LATHE, 'calendar');
    await plan('PM-DIE-PRESS', PRESS, 'counter');
    clock.advance(10 * MINUTE);
    await post('/api/maintenance/plans/schedule', {}); // the two calendar plans are due: two preventive orders
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('lists orders newest first, filtered by state, kind, equipment and opening time', async () => {
    const all = await orders();
    expect(all).toHaveLength(9);
    expect(inOrder(all, newestFirst)).toBe(true);
    expect(all.at(-1)?.number).toBe('MO-000001');
    expect((await orders('&state=in-progress')).map((o) => o.number)).toEqual(['MO-000002']);
    expect((await orders('&state=completed')).map((o) => o.number)).toEqual(['MO-000005']);
    const preventive = await orders('&kind=preventive');
    expect(preventive.map((o) => o.equipment).sort()).toEqual([PRESS, LATHE]);
    expect((await orders(`&equipment=${LINE2}`)).map((o) => o.number).sort()).toEqual(
      all
        .filter((o) => o.equipment === LATHE)
        .map((o) => o.number)
        .sort(),
    );
    const third = all.find((o) => o.number === 'MO-000003')!;
    const sixth = all.find((o) => o.number === 'MO-000006')!;
    const window = await orders(`&createdFrom=${third.createdAt}&createdTo=${sixth.createdAt}`);
    expect(window.map((o) => o.number)).toEqual(['MO-000005', 'MO-000004', 'MO-000003']); // `to` is exclusive
    expect((await app.inject({ url: '/api/maintenance/orders?colour=red', headers: planner.headers })).statusCode).toBe(
      400,
    );
  });

  it('pages through every order once, in order, while new orders are reported between pages', async () => {
    const before = await orders();
    let added = 0;
    const { items, pages } = await pageThrough<Order>(app, '/api/maintenance/orders', planner, 2, async () => {
      added += 1;
      await fault(PRESS, `reported while paging ${added}`);
    });
    expect(pages).toBe(5);
    // Newer orders sort before the cursor: a reader paging on sees the list as it was when it started.
    expect(items.map((o) => o.number)).toEqual(before.map((o) => o.number));
    expect(await orders()).toHaveLength(before.length + added);
  });

  it('answers 400 for a cursor it did not give out', async () => {
    const first = await pageOf<Order>(app, '/api/maintenance/orders?limit=1', planner);
    expect(first.nextCursor).not.toBeNull();
    for (const cursor of forgedCursors(first.nextCursor!)) {
      const response = await app.inject({ url: `/api/maintenance/orders?cursor=${cursor}`, headers: planner.headers });
      expect(response.statusCode, `${cursor}: ${response.body}`).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed' });
    }
  });

  it("shows a line-scoped maintenance technician only its line's orders and plans", async () => {
    const everywhere = await orders();
    const mine = await orders('', mechanic);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((o) => o.number)).toEqual(everywhere.filter((o) => o.equipment === PRESS).map((o) => o.number));
    expect(await orders(`&equipment=${LINE2}`, mechanic)).toEqual([]); // another line: nothing, not the plant's
    expect(await orders('&equipment=/site-1', mechanic)).toEqual(mine); // above the grant: what lies inside it
    const { items } = await pageThrough<Order>(app, '/api/maintenance/orders', mechanic, 2);
    expect(items).toEqual(mine);
    const plans = await pageOf<Plan>(app, '/api/maintenance/plans', mechanic);
    expect(plans.items.map((p) => p.code)).toEqual(['PM-DIE-PRESS', 'PM-LUBE-PRESS']);
  });

  it('lists plans by code, filtered by equipment and trigger, paging on while plans are added', async () => {
    const all = (await pageOf<Plan>(app, '/api/maintenance/plans', planner)).items;
    expect(all.map((p) => p.code)).toEqual(['PM-DIE-PRESS', 'PM-LUBE-LATHE', 'PM-LUBE-PRESS']);
    const counter = await pageOf<Plan>(app, '/api/maintenance/plans?trigger=counter', planner);
    expect(counter.items.map((p) => p.code)).toEqual(['PM-DIE-PRESS']);
    const lathe = await pageOf<Plan>(app, `/api/maintenance/plans?equipment=${LATHE}`, planner);
    expect(lathe.items.map((p) => p.code)).toEqual(['PM-LUBE-LATHE']);
    const added = ['PM-AAA-PRESS', 'PM-ZZZ-PRESS'];
    const { items } = await pageThrough<Plan>(app, '/api/maintenance/plans', planner, 1, async (page) => {
      if (page <= added.length) await plan(added[page - 1]!, PRESS, 'counter');
    });
    const codes = items.map((p) => p.code);
    // Every plan there at the start, once, in order; of those added, only the one sorting after the cursor.
    expect(codes).toEqual([...all.map((p) => p.code), 'PM-ZZZ-PRESS']);
    const first = await pageOf<Plan>(app, '/api/maintenance/plans?limit=1', planner);
    for (const cursor of forgedCursors(first.nextCursor!))
      expect(
        (await app.inject({ url: `/api/maintenance/plans?cursor=${cursor}`, headers: planner.headers })).statusCode,
      ).toBe(400);
  });
});
