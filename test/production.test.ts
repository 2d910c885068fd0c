import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, type Session } from './support/http.js';
import { seedPlant } from './support/plant.js';
import { auditCount } from './support/records.js';

const operation = (sequence: number, workCell = '/site-1/area-1/line-1') => ({
  sequence,
  name: `Op ${sequence}`,
  workCell,
  standardCycleSeconds: 60,
  idealCycleSeconds: 45,
});

// ISA-95 material and product definitions (issue 4, item 2).
describe(`production definitions (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    await seedPlant(t.bastion);
    const materials: [string, string, string][] = [
      ['STEEL', 'raw', 'kg'],
      ['BOLT', 'raw', 'pcs'],
      ['FRAME', 'intermediate', 'pcs'],
      ['BIKE', 'finished', 'pcs'],
    ];
    for (const [code, kind, unit] of materials) {
      const created = await post('/api/materials', { code, name: code.toLowerCase(), kind, unit });
      expect(created.statusCode).toBe(200);
    }
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  function post(url: string, payload: object) {
    return app.inject({ method: 'POST', url, headers: admin.headers, payload });
  }
  const versions = async (code: string) =>
    (await app.inject({ url: `/api/products/${code}/versions`, headers: admin.headers })).json<{
      versions: { version: number; state: string }[];
    }>().versions;

  it('drafts versions with checked BOMs and routings, and releases one at a time', async () => {
    const draft = (reason: string) =>
      post('/api/products/versions', {
        product: 'FRAME',
        bom: [{ material: 'STEEL', quantity: 2.5, unit: 'kg' }],
        routing: [operation(20), operation(10)],
        reason,
      });
    const first = await draft('first frame design');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, state: 'draft', routing: [{ sequence: 10 }, { sequence: 20 }] });
    expect((await post('/api/products/versions/release', { product: 'FRAME', version: 1 })).json()).toMatchObject({
      state: 'released',
    });
    expect((await draft('thicker tubes')).json().version).toBe(2);
    await post('/api/products/versions/release', { product: 'FRAME', version: 2 });
    expect(await versions('FRAME')).toEqual([
      expect.objectContaining({ version: 1, state: 'superseded' }),
      expect.objectContaining({ version: 2, state: 'released' }),
    ]);
    const again = await post('/api/products/versions/release', { product: 'FRAME', version: 1 });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('illegal_transition');
  });

  it('refuses bad definitions with one clear error and writes nothing', async () => {
    const before = (await versions('BIKE')).length;
    const bad = [
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BIKE', quantity: 1, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'self-consuming',
        },
        status: 400,
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'UNOBTAINIUM', quantity: 1, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'unknown material',
        },
        status: 404,
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'STEEL', quantity: 1, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'wrong unit',
        },
        status: 400,
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BOLT', quantity: -4, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'negative quantity',
        },
        status: 400,
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BOLT', quantity: 4, unit: 'pcs' }],
          routing: [operation(10, '/site-1/area-1')],
          reason: 'routing on an area',
        },
        status: 400,
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BOLT', quantity: 4, unit: 'pcs' }],
          routing: [operation(10, '/site-1/area-1/line-9')],
          reason: 'unknown line',
        },
        status: 404,
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BOLT', quantity: 4, unit: 'pcs' }],
          routing: [operation(10), operation(10)],
          reason: 'same sequence',
        },
        status: 400,
      },
      {
        body: {
          product: 'STEEL',
          bom: [{ material: 'BOLT', quantity: 4, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'raw has no BOM',
        },
        status: 400,
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BOLT', quantity: 4, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'no',
        },
        status: 400,
      },
    ];
    for (const { body, status } of bad) {
      const response = await post('/api/products/versions', body);
      expect(response.statusCode, body.reason).toBe(status);
      expect(response.json().detail, body.reason).toBeTruthy();
    }
    expect(await versions('BIKE')).toHaveLength(before);
    const records = await auditCount(t.bastion);
    expect((await post('/api/materials', { code: 'BOLT', name: 'again', kind: 'raw', unit: 'pcs' })).statusCode).toBe(
      409,
    );
    expect((await post('/api/materials', { code: 'lower', name: 'x', kind: 'raw', unit: 'pcs' })).statusCode).toBe(400);
    expect(await auditCount(t.bastion)).toBe(records + 1); // the conflict is audited as failed; the invalid body writes nothing
  });
});
