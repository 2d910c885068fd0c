import { createHash } from 'node:crypto';
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
    // Each bad request: its status and problem code, and the field path it names or the missing thing.
    const bad: {
      body: Record<string, unknown> & { reason: string };
      status: number;
      code: string;
      path?: string;
      names?: string;
    }[] = [
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BIKE', quantity: 1, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'self-consuming',
        },
        status: 400,
        code: 'validation_failed',
        path: '/bom/0/material',
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'UNOBTAINIUM', quantity: 1, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'unknown material',
        },
        status: 404,
        code: 'not_found',
        names: 'UNOBTAINIUM',
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'STEEL', quantity: 1, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'wrong unit',
        },
        status: 400,
        code: 'validation_failed',
        path: '/bom/0/unit',
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BOLT', quantity: -4, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'negative quantity',
        },
        status: 400,
        code: 'validation_failed',
        path: '/bom/0/quantity',
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BOLT', quantity: 4, unit: 'pcs' }],
          routing: [operation(10, '/site-1/area-1')],
          reason: 'routing on an area',
        },
        status: 400,
        code: 'validation_failed',
        path: '/routing/0/workCell',
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BOLT', quantity: 4, unit: 'pcs' }],
          routing: [operation(10, '/site-1/area-1/line-9')],
          reason: 'unknown line',
        },
        status: 404,
        code: 'not_found',
        names: '/site-1/area-1/line-9',
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BOLT', quantity: 4, unit: 'pcs' }],
          routing: [operation(10), operation(10)],
          reason: 'same sequence',
        },
        status: 400,
        code: 'validation_failed',
        path: '/routing',
      },
      {
        body: {
          product: 'STEEL',
          bom: [{ material: 'BOLT', quantity: 4, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'raw has no BOM',
        },
        status: 400,
        code: 'validation_failed',
        path: '/product',
      },
      {
        body: {
          product: 'BIKE',
          bom: [{ material: 'BOLT', quantity: 4, unit: 'pcs' }],
          routing: [operation(10)],
          reason: 'no',
        },
        status: 400,
        code: 'validation_failed',
        path: '/reason',
      },
    ];
    for (const { body, status, code, path, names } of bad) {
      const response = await post('/api/products/versions', body);
      const problem = response.json<{ code: string; detail: string; errors?: { path: string; message: string }[] }>();
      expect([response.statusCode, problem.code], body.reason).toEqual([status, code]);
      expect(problem.detail, body.reason).not.toBe('');
      // A bad field is named alone, by its path; a missing thing is named in the detail.
      if (path !== undefined) expect(problem.errors, body.reason).toEqual([{ path, message: expect.any(String) }]);
      if (names !== undefined) expect(problem.detail, body.reason).toContain(names);
    }
    expect(await versions('BIKE')).toHaveLength(before);
    const records = await auditCount(t.bastion);
    expect((await post('/api/materials', { code: 'BOLT', name: 'again', kind: 'raw', unit: 'pcs' })).statusCode).toBe(
      409,
    );
    expect((await post('/api/materials', { code: 'lower', name: 'x', kind: 'raw', unit: 'pcs' })).statusCode).toBe(400);
    expect(await auditCount(t.bastion)).toBe(records + 1); // the conflict is audited as failed; the invalid body writes nothing
  });
  it('attaches work instructions to a draft: type checked by content, downloaded intact, carried to the next draft', async () => {
    const draft = await post('/api/products/versions', {
      product: 'BIKE',
      bom: [{ material: 'FRAME', quantity: 1, unit: 'pcs' }],
      routing: [operation(10), operation(20)],
      reason: 'first bike',
    });
    const version = draft.json<{ version: number }>().version;
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF\n');
    const attach = (payload: object) =>
      post('/api/products/versions/attachments', {
        product: 'BIKE',
        version,
        operation: 10,
        filename: 'torque sequence.pdf',
        mediaType: 'application/pdf',
        content: pdf.toString('base64'),
        ...payload,
      });
    const added = await attach({});
    expect(added.statusCode, added.body).toBe(200);
    const { id, sha256 } = added.json<{ id: string; sha256: string }>();
    const download = await app.inject({ url: `/api/attachments/${id}`, headers: admin.headers });
    expect(download.rawPayload.equals(pdf)).toBe(true);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe('attachment; filename="torque sequence.pdf"');
    expect(sha256).toBe(createHash('sha256').update(pdf).digest('hex'));

    const refusals = [
      [{ content: Buffer.from('MZ\x90\x00 not a pdf').toString('base64') }, 400], // an executable called .pdf
      [{ mediaType: 'image/svg+xml' }, 400],
      [{ filename: '../../etc/passwd' }, 400],
      [{ operation: 30 }, 404],
      [{ content: 'not base64!' }, 400],
    ] as const;
    for (const [payload, status] of refusals) expect((await attach(payload)).statusCode).toBe(status);

    await post('/api/products/versions/release', { product: 'BIKE', version });
    expect((await attach({})).json()).toMatchObject({ code: 'illegal_transition' }); // released versions never change
    const next = await post('/api/products/versions', {
      product: 'BIKE',
      bom: [{ material: 'FRAME', quantity: 1, unit: 'pcs' }],
      routing: [operation(10)],
      reason: 'one station only',
    });
    const listed = await app.inject({
      url: `/api/products/BIKE/versions/${next.json<{ version: number }>().version}/attachments`,
      headers: admin.headers,
    });
    expect(listed.json<{ attachments: { filename: string; sha256: string }[] }>().attachments).toEqual([
      expect.objectContaining({ filename: 'torque sequence.pdf', sha256 }),
    ]);
  });

  it('imports ERP orders all or nothing, and a resent file changes nothing', async () => {
    const file = {
      source: 'SAP-PRD',
      orders: [
        { number: 'ERP-1001', product: 'BIKE', quantity: 50, erpReference: '4711/10' },
        { number: 'ERP-1002', product: 'FRAME', quantity: 120, erpReference: '4711/20' },
      ],
    };
    const first = await post('/api/orders/import', file);
    expect(first.json()).toEqual({ source: 'SAP-PRD', created: ['ERP-1001', 'ERP-1002'], unchanged: [] });
    const again = await post('/api/orders/import', file);
    expect(again.json()).toEqual({ source: 'SAP-PRD', created: [], unchanged: ['ERP-1001', 'ERP-1002'] });
    const order = await app.inject({ url: '/api/orders/ERP-1001', headers: admin.headers });
    expect(order.json()).toMatchObject({ state: 'created', quantity: 50 });

    const bad = [
      {
        ...file,
        orders: [
          { number: 'ERP-2001', product: 'BIKE', quantity: 5 },
          { ...file.orders[0]!, quantity: 51 },
        ],
      },
      {
        ...file,
        orders: [
          { number: 'ERP-2002', product: 'BIKE', quantity: 5 },
          { number: 'ERP-2003', product: 'STEEL', quantity: 5 },
        ],
      },
      {
        ...file,
        orders: [
          { number: 'ERP-2004', product: 'BIKE', quantity: 5 },
          { number: 'ERP-2005', product: 'NOPE', quantity: 5 },
        ],
      },
      {
        ...file,
        orders: [
          { number: 'ERP-2006', product: 'BIKE', quantity: 5 },
          { number: 'ERP-2006', product: 'BIKE', quantity: 5 },
        ],
      },
      { ...file, orders: [{ number: 'ERP-2007', product: 'BIKE', quantity: -5 }] },
    ];
    const codes = [];
    for (const payload of bad) codes.push((await post('/api/orders/import', payload)).json<{ code: string }>().code);
    expect(codes).toEqual([
      'order_exists',
      'validation_failed',
      'validation_failed',
      'validation_failed',
      'validation_failed',
    ]);
    const stray = await t.bastion.storage.db
      .selectFrom('production_orders')
      .select('number')
      .where('number', 'like', 'ERP-2%')
      .execute();
    expect(stray).toEqual([]); // all or nothing
  });
});
