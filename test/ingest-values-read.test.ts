import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR, SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { enrolMfa, type Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import { forgedCursors, pageOf, pageThrough } from './support/pages.js';
import { seedPlant } from './support/plant.js';

const LINE1 = '/site-1/area-1/line-1';
const LINE2 = '/site-1/area-1/line-2';
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface Value {
  at: string;
  value: number | string | null;
}
interface Row {
  metric: string;
  ts: number;
  num: number | null;
  text: string | null;
}

// Issue 17: the raw values a device sent, read back over a time window (GET /api/ingest/devices/{name}/values).
describe(`device values over a time window (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let engineer: Session; // process-engineer everywhere: ingest.values.read
  let mechanic: Session; // maintenance at line 1 only
  let operator: Session; // no ingest.values.read
  const ids = new Map<string, string>();
  const run = <T>(name: string, input: object) => t.bastion.pipeline.execute<T>(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  /** Commits rows as one batch of the MQTT path would. */
  const commit = (device: string, rows: Row[]) =>
    t.bastion.pipeline.execute(
      'ingest.batch.commit',
      { values: rows.map((r) => ({ deviceId: ids.get(device)!, ...r })), quarantined: [], events: [] },
      SYSTEM_ACTOR,
      SYSTEM_ORIGIN,
    );
  const values = (url: string, session = engineer) => pageOf<Value>(app, url, session);

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    await seedPlant(t.bastion);
    for (const [name, line] of [
      ['press-a', LINE1],
      ['lathe-b', LINE2],
    ] as const) {
      const device = await run<{ id: string }>('ingest.device.register', {
        name,
        equipment: line,
        groupId: 'g',
        edgeNodeId: name,
      });
      ids.set(name, device.id);
    }
    // Two batches of press-a, interleaving two metrics; a text metric; lathe-b's own temp.
    await commit(
      'press-a',
      Array.from({ length: 6 }, (_, i) => [
        { metric: 'temp', ts: T0 + i * 1000, num: 20 + i / 4, text: null },
        { metric: 'speed', ts: T0 + i * 1000, num: 100 + i, text: null },
      ]).flat(),
    );
    await commit('press-a', [
      { metric: 'temp', ts: T0 + 6000, num: 21.75, text: null },
      { metric: 'State', ts: T0 + 6000, num: null, text: 'running' },
    ]);
    await commit('lathe-b', [{ metric: 'temp', ts: T0, num: 55.5, text: null }]);
    const user = (username: string, role: string, scope?: string) =>
      makeUser(t.bastion, app, { username, roles: [{ role, ...(scope !== undefined ? { scope } : {}) }] });
    engineer = await sessionOf(app, await user('pia', 'process-engineer'));
    await enrolMfa(app, engineer); // the process engineer's role needs a second factor
    mechanic = await sessionOf(app, await user('mats', 'maintenance', LINE1));
    operator = await sessionOf(app, await user('otto', 'operator'));
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it("returns one metric's values of one device, oldest first, numbers and texts as sent", async () => {
    const temp = await values('/api/ingest/devices/press-a/values?metric=temp');
    expect(temp.items).toEqual([
      ...Array.from({ length: 6 }, (_, i) => ({ at: iso(T0 + i * 1000), value: 20 + i / 4 })),
      { at: iso(T0 + 6000), value: 21.75 },
    ]);
    expect(temp.nextCursor).toBeNull();
    expect((await values('/api/ingest/devices/press-a/values?metric=State')).items).toEqual([
      { at: iso(T0 + 6000), value: 'running' },
    ]);
    expect((await values('/api/ingest/devices/lathe-b/values?metric=temp')).items).toEqual([
      { at: iso(T0), value: 55.5 },
    ]);
    expect((await values('/api/ingest/devices/press-a/values?metric=never-sent')).items).toEqual([]);
  });

  it('keeps to the window: from inclusive, to exclusive', async () => {
    const window = await values(
      `/api/ingest/devices/press-a/values?metric=speed&from=${iso(T0 + 2000)}&to=${iso(T0 + 5000)}`,
    );
    expect(window.items).toEqual([
      { at: iso(T0 + 2000), value: 102 },
      { at: iso(T0 + 3000), value: 103 },
      { at: iso(T0 + 4000), value: 104 },
    ]);
  });

  it('pages through every value once, in order, across batches', async () => {
    const all = (await values('/api/ingest/devices/press-a/values?metric=temp')).items;
    const { items, pages } = await pageThrough<Value>(
      app,
      '/api/ingest/devices/press-a/values?metric=temp',
      engineer,
      2,
    );
    expect(items).toEqual(all);
    expect(pages).toBe(4);
  });

  it('never splits points of one metric with the same time and batch across pages', async () => {
    const twice = [
      { metric: 'burst', ts: T0, num: 1, text: null },
      { metric: 'burst', ts: T0, num: 2, text: null },
      { metric: 'burst', ts: T0, num: 3, text: null },
      { metric: 'burst', ts: T0 + 1, num: 4, text: null },
    ];
    await commit('press-a', twice);
    const first = await values('/api/ingest/devices/press-a/values?metric=burst&limit=2');
    expect(first.items.map((v) => v.value)).toEqual([1, 2, 3]);
    const rest = await values(`/api/ingest/devices/press-a/values?metric=burst&limit=2&cursor=${first.nextCursor}`);
    expect(rest.items.map((v) => v.value)).toEqual([4]);
    expect(rest.nextCursor).toBeNull();
  });

  it('answers 404 for a device outside the reader’s grants, 403 without the permission, 400 for bad queries', async () => {
    expect((await values('/api/ingest/devices/press-a/values?metric=temp', mechanic)).items).toHaveLength(7);
    const outside = await app.inject({
      url: '/api/ingest/devices/lathe-b/values?metric=temp',
      headers: mechanic.headers,
    });
    expect(outside.statusCode, outside.body).toBe(404);
    expect(outside.headers['content-type']).toMatch(/application\/problem\+json/);
    const unknown = await app.inject({
      url: '/api/ingest/devices/ghost-1/values?metric=temp',
      headers: engineer.headers,
    });
    expect(unknown.statusCode).toBe(404);
    const denied = await app.inject({
      url: '/api/ingest/devices/press-a/values?metric=temp',
      headers: operator.headers,
    });
    expect(denied.statusCode).toBe(403);
    for (const query of ['', '?metric=', '?metric=temp&from=yesterday', '?metric=temp&limit=0', '?metric=temp&x=1']) {
      const response = await app.inject({
        url: `/api/ingest/devices/press-a/values${query}`,
        headers: engineer.headers,
      });
      expect(response.statusCode, query).toBe(400);
    }
    const first = await values('/api/ingest/devices/press-a/values?metric=temp&limit=1');
    for (const cursor of forgedCursors(first.nextCursor!)) {
      const response = await app.inject({
        url: `/api/ingest/devices/press-a/values?metric=temp&cursor=${cursor}`,
        headers: engineer.headers,
      });
      expect(response.statusCode, cursor).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed' });
    }
  });
});
