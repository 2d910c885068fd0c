import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../src/kernel/actors.js';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, enrolMfa, type Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import { testPlant } from './support/plant.js';

// ISA-95 / IEC 62264 equipment hierarchy; role scopes attach to its nodes.
describe(`plant hierarchy (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  const post = (url: string, payload: object, session = admin) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });
  const paths = async () =>
    (await app.inject({ url: '/api/plant', headers: admin.headers }))
      .json<{ nodes: { path: string }[] }>()
      .nodes.map((n) => n.path);

  it('imports a B2MML-style tree in one transaction and exports the same tree', async () => {
    const broken = structuredClone(testPlant);
    broken.Equipment.Equipment[0]!.Equipment![0]!.Equipment[1] = {
      ID: 'line-2',
      Description: 'Line 2',
      EquipmentLevel: 'Site',
    };
    const refused = await post('/api/plant/import', broken);
    expect(refused.statusCode).toBe(400);
    expect(await paths()).toEqual([]); // the half of the tree before the bad node was not kept
    expect((await post('/api/plant/import', testPlant)).json()).toEqual({ created: 6, updated: 0, unchanged: 0 });
    expect(await paths()).toEqual([
      '/',
      '/site-1',
      '/site-1/area-1',
      '/site-1/area-1/line-1',
      '/site-1/area-1/line-2',
      '/site-2',
    ]);
    expect((await app.inject({ url: '/api/plant/export', headers: admin.headers })).json()).toEqual(testPlant);
    const renamed = structuredClone(testPlant);
    renamed.Equipment.Equipment[1]!.Description = 'Plant South (new)';
    expect((await post('/api/plant/import', renamed)).json()).toEqual({ created: 0, updated: 1, unchanged: 5 });
  });

  it('enforces the ISA-95 nesting and unique paths, with clear errors', async () => {
    const line = await post('/api/plant/nodes', {
      parentPath: '/site-2',
      level: 'line',
      code: 'line-9',
      name: 'Misplaced',
    });
    expect(line.statusCode).toBe(400);
    expect(line.json().detail).toContain('A line belongs under area');
    expect(
      (await post('/api/plant/nodes', { parentPath: '/site-1/area-1', level: 'line', code: 'line-1', name: 'Again' }))
        .statusCode,
    ).toBe(409);
    expect(
      (await post('/api/plant/nodes', { parentPath: '/nowhere', level: 'area', code: 'a', name: 'A' })).statusCode,
    ).toBe(404);
    expect((await post('/api/plant/nodes', { level: 'enterprise', code: 'other', name: 'Other' })).statusCode).toBe(
      409,
    );
    expect(
      (await post('/api/plant/nodes', { parentPath: '/site-1', level: 'area', code: 'Bad Code', name: 'A' }))
        .statusCode,
    ).toBe(400);
    const cell = await post('/api/plant/nodes', {
      parentPath: '/site-1/area-1/line-1',
      level: 'work-cell',
      code: 'cell-1',
      name: 'Press',
      equipmentClass: 'press',
      properties: [{ id: 'tonnage', value: 250, unitOfMeasure: 't' }],
    });
    expect(cell.statusCode).toBe(200);
    expect(cell.json()).toMatchObject({
      path: '/site-1/area-1/line-1/cell-1',
      level: 'work-cell',
      properties: [{ id: 'tonnage', value: 250, unitOfMeasure: 't' }],
    });
  });

  it('retires leaves only, and a retired node takes no grants', async () => {
    expect((await post('/api/plant/nodes/retire', { path: '/site-1/area-1' })).statusCode).toBe(409);
    const user = await makeUser(t.bastion, app, { username: 'ralf' });
    expect(
      (await post('/api/plant/nodes', { parentPath: '/site-2', level: 'area', code: 'old', name: 'Old hall' }))
        .statusCode,
    ).toBe(200);
    expect((await post('/api/plant/nodes/retire', { path: '/site-2/old' })).statusCode).toBe(200);
    expect(await paths()).not.toContain('/site-2/old');
    const grant = await post('/api/grants', { userId: user.id, role: 'operator', scope: '/site-2/old' });
    expect(grant.statusCode).toBe(400);
    expect(grant.json().detail).toContain('No plant node');
    expect((await post('/api/grants', { userId: user.id, role: 'operator', scope: '/site-9' })).statusCode).toBe(400);
    expect((await post('/api/grants', { userId: user.id, role: 'operator', scope: '/site-2' })).statusCode).toBe(200);
  });

  it('lets a process engineer change the plant only within the scope of the grant', async () => {
    const engineer = await makeUser(t.bastion, app, { username: 'petra' });
    await t.bastion.pipeline.execute(
      'identity.grant',
      { userId: engineer.id, role: 'process-engineer', scope: '/site-1' },
      CONSOLE_ACTOR,
      CLI_ORIGIN,
    );
    const session = await sessionOf(app, engineer);
    await enrolMfa(app, session);
    const inside = await post(
      '/api/plant/nodes',
      { parentPath: '/site-1/area-1/line-2', level: 'work-cell', code: 'cell-7', name: 'Welding' },
      session,
    );
    expect(inside.statusCode).toBe(200);
    const outside = await post(
      '/api/plant/nodes',
      { parentPath: '/site-2', level: 'area', code: 'hall', name: 'Hall' },
      session,
    );
    expect(outside.statusCode).toBe(403);
    const update = await post(
      '/api/plant/nodes/update',
      { path: '/site-1/area-1/line-2/cell-7', name: 'Welding 2' },
      session,
    );
    expect(update.json().name).toBe('Welding 2');
  });
});
