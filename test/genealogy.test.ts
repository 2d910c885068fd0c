import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../src/http/app.js';
import type { Actor } from '../src/kernel/pipeline/types.js';
import { authenticate } from '../src/modules/identity/sessions.js';
import { trace } from '../src/modules/genealogy/trace.js';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { cli } from './support/cli.js';
import { testDialect } from './support/database.js';
import { adminSession, type Session } from './support/http.js';
import { makeUser, sessionOf } from './support/identity.js';

// Lot genealogy: consumption rules and backward/forward traces (issue 4, item 4).
describe(`genealogy (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let operator: Actor;
  let quality: Session;
  let run = 0;

  const execute = (name: string, input: object) =>
    t.bastion.pipeline.execute(name, input, operator, { channel: 'http' });
  const post = (url: string, payload: object, session = admin) =>
    app.inject({ method: 'POST', url, headers: session.headers, payload });

  beforeAll(async () => {
    t = await createTestBastion();
    app = await buildHttpApp(t.bastion);
    admin = await adminSession(app, t);
    for (const [code, kind, unit] of [
      ['ORE', 'raw', 'kg'],
      ['INGOT', 'intermediate', 'kg'],
      ['PART', 'finished', 'pcs'],
    ] as const) {
      await post('/api/materials', { code, name: code, kind, unit });
    }
    const op = await sessionOf(
      app,
      await makeUser(t.bastion, app, { username: 'olli', roles: [{ role: 'operator' }] }),
    );
    operator = (await authenticate(t.bastion.storage.db, op.token, Date.now(), { idleMs: 3_600_000 }))!.actor;
    quality = await sessionOf(app, await makeUser(t.bastion, app, { username: 'qira', roles: [{ role: 'quality' }] }));
    for (const number of ['WO-P1', 'WO-P2']) await post('/api/orders', { number, product: 'INGOT', quantity: 1000 });
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('traces backward and forward with depth, quantities and orders, as JSON (with the links between lots) and CSV', async () => {
    await execute('genealogy.lot.receive', {
      number: 'ORE-1',
      material: 'ORE',
      quantity: 100,
      supplier: 'Mine AG',
      supplierLot: 'M-77',
    });
    await execute('genealogy.lot.receive', {
      number: 'ORE-2',
      material: 'ORE',
      quantity: 50,
      supplier: 'Mine AG',
      supplierLot: 'M-78',
    });
    await execute('genealogy.lot.produce', {
      output: { number: 'INGOT-1', material: 'INGOT', quantity: 60 },
      inputs: [
        { lot: 'ORE-1', quantity: 40 },
        { lot: 'ORE-2', quantity: 30 },
      ],
    });
    await execute('genealogy.lot.produce', {
      output: { number: 'PART-1', material: 'PART', quantity: 10 },
      inputs: [{ lot: 'INGOT-1', quantity: 20 }],
    });
    const backward = await trace(t.bastion.storage.db, 'PART-1', 'backward');
    expect(backward.lots.map((l) => [l.number, l.depth])).toEqual([
      ['INGOT-1', 1],
      ['ORE-1', 2],
      ['ORE-2', 2],
    ]);
    const forward = await trace(t.bastion.storage.db, 'ORE-2', 'forward');
    expect(forward.lots.map((l) => l.number)).toEqual(['INGOT-1', 'PART-1']);
    const json = await app.inject({ url: '/api/lots/ORE-1/trace?direction=forward', headers: admin.headers });
    const links = json.json<{ links: { parent: string }[] }>().links;
    expect(links.sort((a, b) => a.parent.localeCompare(b.parent))).toEqual([
      { parent: 'INGOT-1', child: 'PART-1', quantity: 20 },
      { parent: 'ORE-1', child: 'INGOT-1', quantity: 40 },
    ]);
    const csv = await app.inject({ url: '/api/lots/ORE-1/trace?direction=forward&format=csv', headers: admin.headers });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\n')).toEqual([
      'lot,material,depth,quantity,unit,state,order',
      'INGOT-1,INGOT,1,60,kg,available,',
      'PART-1,PART,2,10,pcs,available,',
    ]);
    const svg = await app.inject({
      url: '/api/lots/PART-1/trace?direction=backward&format=svg',
      headers: admin.headers,
    });
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.headers['content-security-policy']).toContain('sandbox');
    for (const lot of ['PART-1', 'INGOT-1', 'ORE-1', 'ORE-2']) expect(svg.body).toContain(`>${lot}</text>`);
    expect(svg.body.match(/marker-end/g)).toHaveLength(3); // PART-1←INGOT-1, INGOT-1←ORE-1, INGOT-1←ORE-2
    expect(svg.body).toContain('ORE-1 → INGOT-1: 40');
    const lots = (await app.inject({ url: '/api/lots/ORE-1/trace?direction=sideways', headers: admin.headers }))
      .statusCode;
    expect(lots).toBe(400);
  });

  it('answers a forward trace of a raw lot used in 17,000 lots over HTTP, with every link (more lots than one statement may bind twice)', async () => {
    // Seeded straight into the tables, as bench/trace does: 17,000 commands would take minutes. The trace read
    // under test is the real route.
    await execute('genealogy.lot.receive', {
      number: 'ORE-WIDE',
      material: 'ORE',
      quantity: 17_000,
      supplier: 'Mine AG',
      supplierLot: 'M-WIDE',
    });
    const db = t.bastion.storage.db;
    const raw = await db
      .selectFrom('genealogy_lots')
      .select(['key', 'material_id'])
      .where('number', '=', 'ORE-WIDE')
      .executeTakeFirstOrThrow();
    const count = 17_000;
    for (let at = 0; at < count; at += 500) {
      const lots = Array.from({ length: Math.min(500, count - at) }, (_, i) => ({
        id: crypto.randomUUID(),
        number: `WIDE-${at + i}`,
        material_id: raw.material_id,
        quantity: 1,
        available: 1,
        unit: 'kg',
        state: 'available',
        hold_reason: null,
        supplier: null,
        supplier_lot: null,
        order_id: null,
        created_at: 0,
      }));
      const made = await db.insertInto('genealogy_lots').values(lots).returning('key').execute();
      await db
        .insertInto('genealogy_links')
        .values(
          made.map((m) => ({
            parent: raw.key,
            child: m.key,
            quantity: 1,
            order_id: null,
            operation: null,
            created_at: 0,
          })),
        )
        .execute();
    }
    const response = await app.inject({ url: '/api/lots/ORE-WIDE/trace?direction=forward', headers: admin.headers });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ lots: { number: string }[]; links: { parent: string; child: string }[] }>();
    expect(body.lots).toHaveLength(count);
    expect(body.links).toHaveLength(count);
    expect(new Set(body.links.map((l) => l.child)).size).toBe(count);
    expect(body.links.every((l) => l.parent === 'ORE-WIDE')).toBe(true);
  });

  it('refuses held, over-consumed, unknown and re-made lots, and changes nothing', async () => {
    await execute('genealogy.lot.receive', {
      number: 'ORE-9',
      material: 'ORE',
      quantity: 10,
      supplier: 'Mine AG',
      supplierLot: 'M-99',
    });
    expect((await post('/api/lots/hold', { lot: 'ORE-9', reason: 'assay pending' }, quality)).statusCode).toBe(200);
    const attempts = [
      { inputs: [{ lot: 'ORE-9', quantity: 1 }], code: 'lot_held' },
      { inputs: [{ lot: 'ORE-1', quantity: 61 }], code: 'over_consumption' },
      { inputs: [{ lot: 'ORE-404', quantity: 1 }], code: 'not_found' },
    ];
    for (const attempt of attempts) {
      await expect(
        execute('genealogy.lot.produce', {
          output: { number: 'INGOT-X', material: 'INGOT', quantity: 1 },
          inputs: [{ lot: 'ORE-2', quantity: 5 }, ...attempt.inputs],
        }),
      ).rejects.toMatchObject({ code: attempt.code });
    }
    await expect(
      execute('genealogy.lot.produce', {
        output: { number: 'ORE-1', material: 'ORE', quantity: 1 },
        inputs: [{ lot: 'PART-1', quantity: 1 }],
      }),
    ).rejects.toMatchObject({ code: 'lot_exists' }); // would close a cycle
    await expect(
      execute('genealogy.lot.produce', {
        output: { number: 'INGOT-Y', material: 'INGOT', quantity: 1 },
        inputs: [{ lot: 'ORE-2', quantity: -1 }],
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    const ore2 = await t.bastion.storage.db
      .selectFrom('genealogy_lots')
      .select('available')
      .where('number', '=', 'ORE-2')
      .executeTakeFirstOrThrow();
    expect(ore2.available).toBe(20); // 50 received, 30 consumed by INGOT-1, nothing by the refused attempts
    expect(
      await t.bastion.storage.db
        .selectFrom('genealogy_lots')
        .select('id')
        .where('number', 'in', ['INGOT-X', 'INGOT-Y'])
        .execute(),
    ).toEqual([]);
    expect((await post('/api/lots/release', { lot: 'ORE-9', reason: 'assay passed' }, quality)).statusCode).toBe(200);
    expect((await post('/api/lots/hold', { lot: 'ORE-9', reason: 'try' })).statusCode).toBe(200); // admin holds all permissions
  });

  it('forward trace of a raw lot lists exactly the lots downstream of it and the work orders that made them (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 2, max: 5 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { minLength: 15, maxLength: 15 }),
        // The work order (of three) each produced lot is booked to, if any.
        fc.array(fc.option(fc.nat({ max: 2 }), { nil: undefined }), { minLength: 15, maxLength: 15 }),
        fc.nat(),
        async (widths, choices, bookings, pick) => {
          run++;
          const raws = [0, 1, 2, 3].map((i) => `R${run}-RAW-${i}`);
          // The plan comes first, so the start lot and the expected answer are known before anything is booked.
          const stages: string[][] = [raws];
          const parents = new Map<string, string[]>();
          let choice = 0;
          for (const [s, width] of widths.entries()) {
            stages.push([]);
            for (let i = 0; i < width; i++) {
              const previous = stages[s]!;
              const inputs = [
                ...new Set((choices[choice++ % choices.length] ?? [0]).map((c) => previous[c % previous.length]!)),
              ];
              const number = `R${run}-S${s + 1}-${i}`;
              parents.set(number, inputs);
              stages[s + 1]!.push(number);
            }
          }
          // A raw lot something consumed, so the trace has lots to find.
          const consumed = raws.filter((raw) => [...parents.values()].some((inputs) => inputs.includes(raw)));
          const start = consumed[pick % consumed.length]!;
          // Independent answer: a fixed point over the planned parent lists.
          const reached = new Set<string>();
          let grew = true;
          while (grew) {
            grew = false;
            for (const [child, inputs] of parents) {
              if (!reached.has(child) && inputs.some((p) => p === start || reached.has(p))) {
                reached.add(child);
                grew = true;
              }
            }
          }
          const orders = [0, 1, 2].map((k) => `R${run}-WO-${k}`);
          const orderOf = new Map<string, string>();
          [...parents.keys()].forEach((lot, i) => {
            const k = bookings[i];
            if (k !== undefined) orderOf.set(lot, orders[k]!);
          });
          // At least one lot downstream is made for an order, so a trace that lost the orders cannot pass.
          if (![...reached].some((lot) => orderOf.has(lot))) orderOf.set([...reached][0]!, orders[0]!);

          for (const number of orders)
            expect((await post('/api/orders', { number, product: 'INGOT', quantity: 1000 })).statusCode).toBe(200);
          for (const number of raws)
            await execute('genealogy.lot.receive', {
              number,
              material: 'ORE',
              quantity: 1000,
              supplier: 'S',
              supplierLot: number,
            });
          for (const [number, inputs] of parents) {
            const order = orderOf.get(number);
            await execute('genealogy.lot.produce', {
              ...(order !== undefined ? { order } : {}),
              output: { number, material: 'INGOT', quantity: 1000 },
              inputs: inputs.map((lot) => ({ lot, quantity: 1 })),
            });
          }

          const result = await trace(t.bastion.storage.db, start, 'forward');
          expect(result.lots.map((l) => [l.number, l.order]).sort()).toEqual(
            [...reached].map((lot) => [lot, orderOf.get(lot) ?? null]).sort(),
          );
          const expected = new Set([...reached].map((lot) => orderOf.get(lot)).filter((o) => o !== undefined));
          expect(expected.size).toBeGreaterThan(0);
          expect(result.orders).toEqual([...expected].sort());
        },
      ),
      { numRuns: 8 },
    );
  });

  it('traces from the console too: bastion trace backward|forward LOT', async () => {
    const fromCli = await cli(['trace', 'backward', 'PART-1', '--json'], t.env);
    expect(fromCli.code, fromCli.stderr).toBe(0);
    expect(JSON.parse(fromCli.stdout)).toEqual(await trace(t.bastion.storage.db, 'PART-1', 'backward'));
    const printed = await cli(['trace', 'forward', 'ORE-2'], t.env);
    expect(printed.stdout).toContain('2 lot(s), 0 work order(s) downstream of ORE-2');
    const csv = await cli(['trace', 'forward', 'ORE-2', '--csv'], t.env);
    expect(csv.stdout.split('\n')[0]).toBe('lot,material,depth,quantity,unit,state,order');
    const unknown = await cli(['trace', 'forward', 'NOPE-1'], t.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No lot NOPE-1');
  });
  it('splits and merges lots: quantities move, traces run through, and bad requests change nothing', async () => {
    const receive = (number: string, quantity: number, material = 'ORE') =>
      execute('genealogy.lot.receive', { number, material, quantity, supplier: 'Mine AG', supplierLot: `S-${number}` });
    await receive('SM-A', 100);
    await receive('SM-B', 40);
    const split = await execute('genealogy.lot.split', {
      lot: 'SM-A',
      into: [
        { number: 'SM-A1', quantity: 30 },
        { number: 'SM-A2', quantity: 20 },
      ],
    });
    expect(split).toMatchObject({
      lot: { number: 'SM-A', available: 50 },
      parts: [{ available: 30 }, { available: 20 }],
    });
    const detail = await app.inject({ url: '/api/lots/SM-A1', headers: admin.headers });
    expect(detail.json()).toMatchObject({ material: 'ORE', supplier: 'Mine AG', supplierLot: 'S-SM-A', quantity: 30 });
    const merged = await execute('genealogy.lot.merge', { lots: ['SM-A2', 'SM-B'], into: 'SM-M' });
    expect(merged).toMatchObject({ number: 'SM-M', quantity: 60, available: 60 });
    await execute('genealogy.lot.produce', {
      output: { number: 'SM-INGOT', material: 'INGOT', quantity: 10 },
      inputs: [{ lot: 'SM-M', quantity: 60 }],
    });
    const back = await trace(t.bastion.storage.db, 'SM-INGOT', 'backward');
    expect(back.lots.map((l) => [l.number, l.depth])).toEqual([
      ['SM-M', 1],
      ['SM-A2', 2],
      ['SM-B', 2],
      ['SM-A', 3],
    ]);
    const refused = [
      ['genealogy.lot.split', { lot: 'SM-A', into: [{ number: 'SM-A3', quantity: 51 }] }, 'over_consumption'],
      ['genealogy.lot.split', { lot: 'SM-A', into: [{ number: 'SM-B', quantity: 1 }] }, 'lot_exists'],
      ['genealogy.lot.split', { lot: 'SM-404', into: [{ number: 'SM-A4', quantity: 1 }] }, 'not_found'],
      ['genealogy.lot.merge', { lots: ['SM-A', 'SM-A'], into: 'SM-M2' }, 'validation_failed'],
      ['genealogy.lot.merge', { lots: ['SM-A', 'SM-INGOT'], into: 'SM-M3' }, 'validation_failed'],
    ] as const;
    for (const [name, input, code] of refused) await expect(execute(name, input)).rejects.toMatchObject({ code });
    const a = await app.inject({ url: '/api/lots/SM-A', headers: admin.headers });
    expect(a.json()).toMatchObject({ available: 50, state: 'available' });
    const none = await t.bastion.storage.db
      .selectFrom('genealogy_lots')
      .select('number')
      .where('number', 'in', ['SM-A3', 'SM-A4', 'SM-M2', 'SM-M3'])
      .execute();
    expect(none).toEqual([]);
  });

  it('serialises units: one serial per unit, unique, and a serial leads back to its lot', async () => {
    await execute('genealogy.lot.receive', {
      number: 'SER-ORE',
      material: 'ORE',
      quantity: 10,
      supplier: 'Mine AG',
      supplierLot: 'SER',
    });
    const produce = (number: string, serials: string[], quantity = serials.length) =>
      execute('genealogy.lot.produce', {
        output: { number, material: 'PART', quantity, serials },
        inputs: [{ lot: 'SER-ORE', quantity: 1 }],
      });
    await produce('SER-PART-1', ['SN-0001', 'SN-0002', 'SN-0003']);
    await expect(produce('SER-PART-2', ['SN-0004'], 2)).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(produce('SER-PART-3', ['SN-0003', 'SN-0005'])).rejects.toMatchObject({ code: 'serial_exists' });
    const serial = await app.inject({ url: '/api/serials/SN-0002', headers: admin.headers });
    expect(serial.json()).toEqual({ serial: 'SN-0002', lot: 'SER-PART-1' });
    expect((await app.inject({ url: '/api/serials/SN-0005', headers: admin.headers })).statusCode).toBe(404);
    const lot = await app.inject({ url: '/api/lots/SER-PART-1', headers: admin.headers });
    expect(lot.json<{ serials: string[] }>().serials).toEqual(['SN-0001', 'SN-0002', 'SN-0003']);
    const ore = await app.inject({ url: '/api/lots/SER-ORE', headers: admin.headers });
    expect(ore.json()).toMatchObject({ available: 9 }); // the refused attempts consumed nothing
  });
  it('books consumption to a work order; an operation needs its order, and unknown ones are refused', async () => {
    await execute('genealogy.lot.receive', {
      number: 'OP-ORE',
      material: 'ORE',
      quantity: 10,
      supplier: 'Mine AG',
      supplierLot: 'OP',
    });
    const produce = (number: string, extra: object) =>
      execute('genealogy.lot.produce', {
        output: { number, material: 'INGOT', quantity: 1 },
        inputs: [{ lot: 'OP-ORE', quantity: 1 }],
        ...extra,
      });
    await expect(produce('OP-X1', { order: 'WO-P1', operation: 10 })).rejects.toMatchObject({
      code: 'not_found', // WO-P1 was never released, so it has no operations yet (running ones: orders.test.ts)
    });
    await expect(produce('OP-X2', { operation: 10 })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(produce('OP-X3', { order: 'WO-404' })).rejects.toMatchObject({ code: 'not_found' });
    await produce('OP-1', { order: 'WO-P1' });
    const link = await t.bastion.storage.db
      .selectFrom('genealogy_links as k')
      .innerJoin('genealogy_lots as c', 'c.key', 'k.child')
      .select(['k.operation', 'k.order_id'])
      .where('c.number', '=', 'OP-1')
      .executeTakeFirstOrThrow();
    expect(link.operation).toBeNull();
    expect(link.order_id).not.toBeNull();
    const ore = await t.bastion.storage.db
      .selectFrom('genealogy_lots')
      .select('available')
      .where('number', '=', 'OP-ORE')
      .executeTakeFirstOrThrow();
    expect(ore.available).toBe(9);
  });
});
