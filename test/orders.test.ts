import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, type Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';

// Work orders: states and transitions enforced (21 CFR 11.10(f)); operator, time and place on every step.
describe(`work orders (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let operator: Session;
  let elsewhere: Session;

  const post = (url: string, payload: object, session = admin, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...session.headers, ...headers }, payload });
  const detail = async (number: string) =>
    (await app.inject({ url: `/api/orders/${number}`, headers: admin.headers })).json<{
      state: string;
      good: number;
      scrap: number;
      operations: { sequence: number; state: string; good: number }[];
    }>();

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    await post('/api/materials', { code: 'STEEL', name: 'steel', kind: 'raw', unit: 'kg' });
    await post('/api/materials', { code: 'FRAME', name: 'frame', kind: 'intermediate', unit: 'pcs' });
    const op = (sequence: number) => ({
      sequence,
      name: `Op ${sequence}`,
      workCell: LINE,
      standardCycleSeconds: 60,
      idealCycleSeconds: 50,
    });
    await post('/api/products/versions', {
      product: 'FRAME',
      bom: [{ material: 'STEEL', quantity: 2, unit: 'kg' }],
      routing: [op(10), op(20)],
      reason: 'initial design',
    });
    await post('/api/products/versions/release', { product: 'FRAME', version: 1 });
    operator = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'otis', roles: [{ role: 'operator', scope: LINE }] }),
    );
    elsewhere = await sessionOf(
      app,
      await makeUser(t.bastion, app, {
        username: 'olive',
        roles: [{ role: 'operator', scope: '/site-1/area-1/line-2' }],
      }),
    );
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  async function dispatched(number: string) {
    expect((await post('/api/orders', { number, product: 'FRAME', quantity: 100 })).statusCode).toBe(200);
    expect((await post('/api/orders/release', { number })).statusCode).toBe(200);
    expect((await post('/api/orders/dispatch', { number, line: LINE })).statusCode).toBe(200);
  }
  const step = (action: string, number: string, sequence: number, session = operator) =>
    post(`/api/orders/operations/${action}`, { number, line: LINE, sequence }, session);

  it('runs an order from creation to closing, operations in sequence', async () => {
    await dispatched('WO-1');
    expect((await step('start', 'WO-1', 10)).statusCode).toBe(200);
    expect(
      (
        await post(
          '/api/orders/operations/report',
          { number: 'WO-1', line: LINE, sequence: 10, good: 98, scrap: 2, scrapReason: 'burr' },
          operator,
        )
      ).statusCode,
    ).toBe(200);
    expect((await step('complete', 'WO-1', 10)).statusCode).toBe(200);
    expect((await step('start', 'WO-1', 20)).statusCode).toBe(200);
    expect((await step('pause', 'WO-1', 20)).statusCode).toBe(200);
    expect((await step('resume', 'WO-1', 20)).statusCode).toBe(200);
    await post(
      '/api/orders/operations/report',
      { number: 'WO-1', line: LINE, sequence: 20, good: 97, scrap: 1, scrapReason: 'dent' },
      operator,
    );
    expect((await step('complete', 'WO-1', 20)).json().orderState).toBe('completed');
    expect(await detail('WO-1')).toMatchObject({ state: 'completed', good: 97, scrap: 1 });
    expect((await post('/api/orders/close', { number: 'WO-1' })).json().state).toBe('closed');
    const records = (
      await app.inject({ url: `/api/audit/records?action=production.operation.report`, headers: admin.headers })
    ).json<{ records: { record: { actor: { id: string }; origin: { channel: string } } }[] }>().records;
    expect(records).toHaveLength(2);
  });

  it('books material to the running operation, and refuses operations that are not running', async () => {
    await dispatched('WO-LOTS');
    await post('/api/lots/receive', {
      number: 'STEEL-77',
      material: 'STEEL',
      quantity: 100,
      supplier: 'Mill',
      supplierLot: 'H-77',
    });
    const produce = (number: string, operation: number) =>
      post('/api/lots/produce', {
        order: 'WO-LOTS',
        operation,
        output: { number, material: 'FRAME', quantity: 2 },
        inputs: [{ lot: 'STEEL-77', quantity: 4 }],
      });
    expect((await produce('FR-1', 10)).json()).toMatchObject({ code: 'operation_not_running' }); // not started
    await step('start', 'WO-LOTS', 10);
    expect((await produce('FR-1', 10)).statusCode).toBe(200);
    expect((await produce('FR-2', 20)).json()).toMatchObject({ code: 'operation_not_running' });
    const back = await app.inject({ url: '/api/lots/FR-1/trace?direction=backward', headers: admin.headers });
    expect(back.json()).toMatchObject({ lots: [{ number: 'STEEL-77' }] });
    const steel = await app.inject({ url: '/api/lots/STEEL-77', headers: admin.headers });
    expect(steel.json()).toMatchObject({ available: 96 });
  });

  it('refuses illegal transitions and bad quantities with clear errors, changing nothing', async () => {
    await dispatched('WO-2');
    const before = await detail('WO-2');
    const refusals = [
      await step('start', 'WO-2', 20), // 10 first
      await step('complete', 'WO-2', 10), // not running
      await post('/api/orders/release', { number: 'WO-2' }), // already dispatched
      await post('/api/orders/close', { number: 'WO-2' }), // not completed
      await post(
        '/api/orders/operations/report',
        { number: 'WO-2', line: LINE, sequence: 10, good: 5, scrap: 0 },
        operator,
      ), // not running
    ];
    expect(refusals.map((r) => r.statusCode)).toEqual([409, 409, 409, 409, 409]);
    expect(refusals.map((r) => r.json().code)).toEqual([
      'sequence_enforced',
      'illegal_transition',
      'illegal_transition',
      'illegal_transition',
      'illegal_transition',
    ]);
    await step('start', 'WO-2', 10);
    const negative = await post(
      '/api/orders/operations/report',
      { number: 'WO-2', line: LINE, sequence: 10, good: -3, scrap: 0 },
      operator,
    );
    expect(negative.statusCode).toBe(400);
    const noReason = await post(
      '/api/orders/operations/report',
      { number: 'WO-2', line: LINE, sequence: 10, good: 0, scrap: 4 },
      operator,
    );
    expect(noReason.statusCode).toBe(400);
    expect((await post('/api/orders', { number: 'WO-3', product: 'STEEL', quantity: 5 })).statusCode).toBe(400);
    expect((await post('/api/orders/release', { number: 'WO-404' })).statusCode).toBe(404);
    const after = await detail('WO-2');
    expect(after.good).toBe(before.good);
    expect(after.operations[0]).toMatchObject({ state: 'running', good: 0 });
  });

  it('keeps operators to their own line', async () => {
    await dispatched('WO-4');
    const foreign = await step('start', 'WO-4', 10, elsewhere);
    expect(foreign.statusCode).toBe(403); // operator of line-2 acting at line-1
    const lying = await post(
      '/api/orders/operations/start',
      { number: 'WO-4', line: '/site-1/area-1/line-2', sequence: 10 },
      elsewhere,
    );
    expect(lying.statusCode).toBe(409); // naming its own line does not help: the order runs on line-1
    expect(lying.json().code).toBe('wrong_line');
    expect((await step('start', 'WO-4', 10)).statusCode).toBe(200);
  });

  it('counts a retried report once (idempotency key)', async () => {
    await dispatched('WO-5');
    await step('start', 'WO-5', 10);
    const report = () =>
      post(
        '/api/orders/operations/report',
        { number: 'WO-5', line: LINE, sequence: 10, good: 10, scrap: 0 },
        operator,
        { 'idempotency-key': 'terminal-3-0000042' },
      );
    const first = await report();
    const retry = await report();
    expect(retry.json()).toEqual(first.json());
    expect((await detail('WO-5')).operations[0]!.good).toBe(10);
  });
});
