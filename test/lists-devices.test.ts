import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR, SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { enrolMfa, type Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import { forgedCursors, inOrder, pageOf, pageThrough } from './support/pages.js';
import { seedPlant } from './support/plant.js';

const LINE1 = '/site-1/area-1/line-1';
const LINE2 = '/site-1/area-1/line-2';
const T0 = Date.parse('2026-03-02T08:00:00.000Z');

interface Device {
  id: string;
  name: string;
  equipment: string;
  state: string;
}
interface SecurityEvent {
  id: string;
  at: string;
  kind: string;
  deviceId: string | null;
}

// Issue 12, items 5 and 6: devices and their security events as paged lists, scoped to the reader's grants.
describe(`device and security event lists (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let officer: Session; // ingest.read at /
  let mechanic: Session; // maintenance (ingest.read) at line 1 only
  const devices = new Map<string, Device>();
  const run = <T>(name: string, input: object) => t.bastion.pipeline.execute<T>(name, input, CONSOLE_ACTOR, CLI_ORIGIN);
  const register = async (name: string, line: string) => {
    const device = await run<Device>('ingest.device.register', {
      name,
      equipment: line,
      groupId: 'g',
      edgeNodeId: name,
    });
    devices.set(name, device);
  };
  /** Security events arrive with a batch, as the MQTT path commits them. */
  const refuse = (events: { at: number; kind: string; device: string | null }[]) =>
    t.bastion.pipeline.execute(
      'ingest.batch.commit',
      {
        values: [],
        quarantined: [],
        events: events.map((e) => ({
          at: e.at,
          kind: e.kind,
          deviceId: e.device === null ? null : devices.get(e.device)!.id,
          username: e.device,
          address: '10.0.0.9',
          detail: null,
          count: 1,
        })),
      },
      SYSTEM_ACTOR,
      SYSTEM_ORIGIN,
    );
  const list = async <T>(url: string, session = officer) => (await pageOf<T>(app, url, session)).items;

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    await seedPlant(t.bastion);
    for (const name of ['press-a', 'press-b', 'robot-a', 'saw-a']) await register(name, LINE1);
    for (const name of ['lathe-a', 'press-c']) await register(name, LINE2);
    await run('ingest.device.quarantine', { name: 'press-b', reason: 'firmware not signed' });
    await run('ingest.device.quarantine', { name: 'lathe-a', reason: 'unknown certificate' });
    await refuse([
      { at: T0, kind: 'namespace-violation', device: 'press-a' },
      { at: T0 + 1000, kind: 'flooding', device: 'press-a' },
      { at: T0 + 2000, kind: 'flooding', device: 'lathe-a' },
      { at: T0 + 3000, kind: 'unknown-device', device: null },
      { at: T0 + 3000, kind: 'malformed-payload', device: 'saw-a' },
      { at: T0 + 4000, kind: 'flooding', device: 'press-c' },
    ]);
    const users = {
      officer: await makeUser(t.bastion, app, { username: 'sofia', roles: [{ role: 'security-officer' }] }),
      mechanic: await makeUser(t.bastion, app, { username: 'mats', roles: [{ role: 'maintenance', scope: LINE1 }] }),
    };
    officer = await sessionOf(app, users.officer);
    await enrolMfa(app, officer); // the security officer's role needs a second factor
    mechanic = await sessionOf(app, users.mechanic);
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('lists devices by name, filtered by state, equipment and name prefix', async () => {
    const names = async (query: string) => (await list<Device>(`/api/ingest/devices${query}`)).map((d) => d.name);
    expect(await names('')).toEqual(['lathe-a', 'press-a', 'press-b', 'press-c', 'robot-a', 'saw-a']);
    expect(await names('?state=quarantined')).toEqual(['lathe-a', 'press-b']);
    expect(await names('?state=active&namePrefix=press')).toEqual(['press-a', 'press-c']);
    expect(await names(`?equipment=${LINE2}`)).toEqual(['lathe-a', 'press-c']);
    expect(await names('?namePrefix=ro')).toEqual(['robot-a']);
    const upper = await app.inject({ url: '/api/ingest/devices?namePrefix=PRESS', headers: officer.headers });
    expect(upper.statusCode).toBe(400); // device names are lower case: no prefix of one is upper case
    expect((await app.inject({ url: '/api/ingest/devices?state=gone', headers: officer.headers })).statusCode).toBe(
      400,
    );
  });

  it('pages through every device once, in order, while devices are registered between pages', async () => {
    const before = (await list<Device>('/api/ingest/devices')).map((d) => d.name);
    const arriving = ['aaa-late', 'zzz-late'];
    const { items } = await pageThrough<Device>(app, '/api/ingest/devices', officer, 2, async (page) => {
      if (page <= arriving.length) await register(arriving[page - 1]!, LINE1);
    });
    const seen = items.map((d) => d.name);
    expect(new Set(seen).size).toBe(seen.length);
    expect(inOrder(seen, (a, b) => a.localeCompare(b))).toBe(true);
    // Each device there at the start, once; of the ones registered meanwhile, the one sorting after the cursor.
    expect(seen).toEqual([...before, 'zzz-late']);
  });

  it('lists security events newest first, filtered by kind, device and time', async () => {
    const events = await list<SecurityEvent>('/api/ingest/security-events');
    const kindsInOrder = events.map((e) => e.kind);
    expect(kindsInOrder).toHaveLength(6);
    expect(kindsInOrder[0]).toBe('flooding'); // press-c, the newest
    expect(kindsInOrder.slice(1, 3).sort()).toEqual(['malformed-payload', 'unknown-device']); // same instant
    expect(kindsInOrder.slice(3)).toEqual(['flooding', 'flooding', 'namespace-violation']);
    const newestFirst = (a: SecurityEvent, b: SecurityEvent) =>
      a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at);
    expect(inOrder(events, newestFirst)).toBe(true);
    const kinds = (query: string) =>
      list<SecurityEvent>(`/api/ingest/security-events${query}`).then((es) => es.map((e) => e.kind));
    expect(await kinds('?kind=flooding')).toHaveLength(3);
    expect(await kinds('?device=press-a')).toEqual(['flooding', 'namespace-violation']);
    const from = new Date(T0 + 1000).toISOString();
    const to = new Date(T0 + 3000).toISOString();
    expect(await kinds(`?from=${from}&to=${to}`)).toEqual(['flooding', 'flooding']);
    const { items } = await pageThrough<SecurityEvent>(app, '/api/ingest/security-events', officer, 4, async () => {
      await refuse([{ at: T0 + 9000, kind: 'oversized', device: 'robot-a' }]);
    });
    expect(items.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('answers 400 for a device or event cursor it did not give out', async () => {
    for (const url of ['/api/ingest/devices', '/api/ingest/security-events']) {
      const first = await pageOf<unknown>(app, `${url}?limit=1`, officer);
      for (const cursor of forgedCursors(first.nextCursor!)) {
        const response = await app.inject({ url: `${url}?cursor=${cursor}`, headers: officer.headers });
        expect(response.statusCode, `${url} ${cursor}: ${response.body}`).toBe(400);
        expect(response.json()).toMatchObject({ code: 'validation_failed' });
      }
    }
  });

  it("shows a line-scoped technician only its line's devices and their events, not unattributed ones", async () => {
    const mine = await list<Device>('/api/ingest/devices', mechanic);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((d) => d.equipment === LINE1)).toBe(true);
    expect(mine.map((d) => d.name)).toEqual(
      (await list<Device>('/api/ingest/devices')).filter((d) => d.equipment === LINE1).map((d) => d.name),
    );
    expect(await list<Device>(`/api/ingest/devices?equipment=${LINE2}`, mechanic)).toEqual([]);
    const events = await list<SecurityEvent>('/api/ingest/security-events', mechanic);
    const ours = new Set(mine.map((d) => d.id));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.deviceId !== null && ours.has(e.deviceId))).toBe(true);
    const all = await list<SecurityEvent>('/api/ingest/security-events');
    expect(events.map((e) => e.id)).toEqual(
      all.filter((e) => e.deviceId !== null && ours.has(e.deviceId)).map((e) => e.id),
    );
  });
});
