import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, type Session } from './support/http.js';
import { enrolledSession, makeUser } from './support/identity.js';
import { LINE_1, LINE_2, seedLineRecords } from './support/line-records.js';
import { seedPlant } from './support/plant.js';

// An operator's grant is on a line: consuming material into an order and inspecting it name the order's line,
// so the command is checked there (as the operation moves are), and a line that is not the order's is refused.
describe(`consumption and inspection checked at the order's line (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let operator: Session;

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    const admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    await seedLineRecords(app, admin);
    const user = await makeUser(t.bastion, app, {
      username: 'line-operator',
      roles: [{ role: 'operator', scope: LINE_1 }],
    });
    operator = await enrolledSession(app, user);
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  const post = async (url: string, payload: object) => {
    const response = await app.inject({ method: 'POST', url, headers: operator.headers, payload });
    return [response.statusCode, response.json<{ code?: string }>().code ?? 'ok'];
  };
  const produce = (order: string, output: string, line?: string) =>
    post('/api/lots/produce', {
      order,
      ...(line !== undefined ? { line } : {}),
      output: { number: output, material: 'FRAME', quantity: 1 },
      inputs: [{ lot: 'RAW-1', quantity: 2 }],
    });
  const inspect = (order: string, line?: string) =>
    post('/api/quality/inspections', {
      plan: 'QP-FRAME',
      order,
      ...(line !== undefined ? { line } : {}),
      measurements: [{ characteristic: 'width', values: [500] }],
    });

  it("an operator granted on a line consumes into its order naming the line; plant-wide or at another order's line it is refused", async () => {
    expect(await produce('WO-L1', 'OUT-1')).toEqual([403, 'forbidden']);
    expect(await produce('WO-L1', 'OUT-2', LINE_1)).toEqual([200, 'ok']);
    expect(await produce('WO-L2', 'OUT-3', LINE_1)).toEqual([409, 'wrong_line']);
    expect(await produce('WO-L2', 'OUT-4', LINE_2)).toEqual([403, 'forbidden']);
  });

  it('an operator granted on a line records an inspection of its order naming the line; elsewhere it is refused', async () => {
    expect(await inspect('WO-L1')).toEqual([403, 'forbidden']);
    expect(await inspect('WO-L1', LINE_1)).toEqual([200, 'ok']);
    expect(await inspect('WO-L2', LINE_1)).toEqual([409, 'wrong_line']);
    expect(
      await post('/api/quality/inspections', {
        plan: 'QP-FRAME',
        line: LINE_1,
        measurements: [{ characteristic: 'width', values: [500] }],
      }),
    ).toEqual([400, 'validation_failed']);
  });
});
