import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretMatches } from '../src/modules/ingest/credentials.js';
import type { TestBastion } from './support/bastion.js';
import { cli, type CliRun } from './support/cli.js';
import { testDialect } from './support/database.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import { seedPlant } from './support/plant.js';

const LINE = '/site-1/area-1/line-1';

/** A refusal is one line on stderr with the given exit code. */
function expectRefused(run: CliRun, code: number, mentions: RegExp): void {
  expect(run.code, run.stderr).toBe(code);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(mentions);
}

const ordersFile = (count: number, first = 1, product = (_: number) => 'BIKE') => ({
  source: 'SAP-PRD',
  orders: Array.from({ length: count }, (_, i) => ({
    number: `ERP-${first + i}`,
    product: product(first + i),
    quantity: 10 + i,
    erpReference: `4711/${first + i}`,
  })),
});

// Issue 12, item 8: device registration and the ERP order import from the console, through the pipeline.
describe(`bastion devices register and orders import (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let files = 0;

  beforeAll(async () => {
    ({ t, app } = await httpTestBastion());
    await seedPlant(t.bastion);
    admin = await adminSession(app, t);
    for (const [code, kind] of [
      ['BIKE', 'finished'],
      ['STEEL', 'raw'],
    ])
      await app.inject({
        method: 'POST',
        url: '/api/materials',
        headers: admin.headers,
        payload: { code, name: code, kind, unit: 'pcs' },
      });
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  const run = (args: string[]) => cli(args, t.env, t.dataDir);
  const ok = async (args: string[]) => {
    const result = await run(args);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  };
  const fileOf = (content: unknown) => {
    const path = join(t.dataDir, `orders-${++files}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const auditBodies = async (action: string) =>
    (
      await t.bastion.storage.db
        .selectFrom('audit_records')
        .select('body')
        .where('body', 'like', `%"action":"${action}"%`)
        .orderBy('seq')
        .execute()
    ).map((r) => r.body);
  const orderCount = async () =>
    Number(
      (
        await t.bastion.storage.db
          .selectFrom('production_orders')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('registers a device from the console: the secret printed once is the one stored (as a hash only), audited as the console', async () => {
    const registered = await ok(['devices', 'register', 'press-7', '--equipment', LINE, '--group', 'north']);
    const secret = /Secret \(shown once.*\): (\S+)/.exec(registered.stdout)?.[1];
    expect(secret).toMatch(/^\S{20,}$/);
    expect(registered.stdout).toContain('spBv1.0/north/+/press-7');
    const row = await t.bastion.storage.db
      .selectFrom('ingest_devices')
      .selectAll()
      .where('name', '=', 'press-7')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ node_path: LINE, group_id: 'north', edge_node_id: 'press-7', state: 'active' });
    expect(row.secret_hash).not.toContain(secret);
    expect(secretMatches(secret!, row.secret_hash)).toBe(true);
    const audit = await auditBodies('ingest.device.register');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toContain('"kind":"console"');
    expect(audit[0]).toContain('"channel":"cli"');
    expect(audit[0]).not.toContain(secret);
    // The API shows the device the console registered, without any secret.
    const listed = await app.inject({ url: '/api/ingest/devices', headers: admin.headers });
    expect(listed.body).toContain('press-7');
    expect(listed.body).not.toContain(secret);
  });

  it('refuses a taken name or namespace, unknown equipment and missing options, registering nothing', async () => {
    await ok(['devices', 'register', 'press-8', '--equipment', LINE, '--group', 'north', '--edge-node', 'edge-8']);
    expectRefused(
      await run(['devices', 'register', 'press-8', '--equipment', LINE, '--group', 'south']),
      1,
      /press-8 already has that name or namespace/,
    );
    expectRefused(
      await run(['devices', 'register', 'press-9', '--equipment', LINE, '--group', 'north', '--edge-node', 'edge-8']),
      1,
      /already has that name or namespace/,
    );
    expectRefused(
      await run(['devices', 'register', 'press-9', '--equipment', '/site-1/nowhere', '--group', 'north']),
      1,
      /site-1\/nowhere/,
    );
    expectRefused(await run(['devices', 'register', 'press-9', '--group', 'north']), 2, /--equipment/);
    expectRefused(
      await run(['devices', 'register', 'Press 9', '--equipment', LINE, '--group', 'x']),
      1,
      /Invalid input for ingest.device.register: \/name Expected string to match/,
    );
    const names = await t.bastion.storage.db.selectFrom('ingest_devices').select('name').orderBy('name').execute();
    expect(names.map((n) => n.name)).toEqual(['press-7', 'press-8']);
  });

  it('imports an ERP file in batches with progress counts, audited as the console, and a resent file changes nothing', async () => {
    const file = fileOf(ordersFile(1100));
    const first = await ok(['orders', 'import', file]);
    expect(first.stdout).toContain('Imported 1100 order(s) from SAP-PRD: 1100 created, 0 unchanged');
    expect(first.stderr.trim().split('\n')).toEqual([
      'importing: 500/1100 records',
      'importing: 1000/1100 records',
      'importing: 1100/1100 records',
    ]);
    expect(await orderCount()).toBe(1100);
    const order = await app.inject({ url: '/api/orders/ERP-1100', headers: admin.headers });
    expect(order.json()).toMatchObject({ number: 'ERP-1100', state: 'created', quantity: 1109 });
    const audit = await auditBodies('production.order.import');
    expect(audit).toHaveLength(3); // one all-or-nothing batch, one record
    for (const body of audit) expect(body).toContain('"kind":"console"');

    const again = await ok(['orders', 'import', file, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ source: 'SAP-PRD', created: [] });
    expect((JSON.parse(again.stdout) as { unchanged: string[] }).unchanged).toHaveLength(1100);
    expect(await orderCount()).toBe(1100);
  });

  it('refuses a bad batch whole, names the order by its place in the file, and the corrected file imports the rest', async () => {
    const before = await orderCount();
    const bad = ordersFile(600, 5001, (n) => (n === 5551 ? 'STEEL' : 'BIKE')); // the 551st: a raw material
    const refused = await run(['orders', 'import', fileOf(bad)]);
    expect(refused.code).toBe(1);
    const [progress, refusal, ...more] = refused.stderr.trim().split('\n');
    expect([progress, more]).toEqual(['importing: 500/600 records', []]);
    expect(refusal).toMatch(
      /^bastion: orders 501–600 of 600 refused, none of them imported \(500 created and 0 unchanged/,
    );
    expect(refusal).toMatch(/STEEL is a raw material.*\/orders\/550/);
    expect(await orderCount()).toBe(before + 500);

    const fixed = await ok(['orders', 'import', fileOf(ordersFile(600, 5001)), '--json']);
    const result = JSON.parse(fixed.stdout) as { created: string[]; unchanged: string[] };
    expect([result.created.length, result.unchanged.length]).toEqual([100, 500]);
    expect(await orderCount()).toBe(before + 600);
  });

  it('refuses a file that is unreadable, not JSON, without source or orders, or that repeats an order, importing nothing; names a malformed order by its place in the file', async () => {
    const before = await orderCount();
    expectRefused(await run(['orders', 'import', join(t.dataDir, 'missing.json')]), 1, /cannot read .*missing\.json/);
    expectRefused(await run(['orders', 'import', fileOf('<B2MML/>')]), 1, /cannot read .*not valid JSON/);
    expectRefused(await run(['orders', 'import', fileOf({ orders: ordersFile(1).orders })]), 1, /no "source"/);
    expectRefused(await run(['orders', 'import', fileOf({ source: 'SAP-PRD', orders: [] })]), 1, /no "orders"/);
    const twice = ordersFile(2, 9001);
    twice.orders[1]!.number = 'ERP-9001';
    expectRefused(await run(['orders', 'import', fileOf(twice)]), 1, /ERP-9001 appears twice; nothing was imported/);
    expect(await orderCount()).toBe(before);
    // A malformed order in a later batch: named by its place in the file; the batches before it stay imported.
    const malformed = ordersFile(501, 7001);
    malformed.orders[500]!.quantity = 0;
    const refused = await run(['orders', 'import', fileOf(malformed)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /orders 501–501 of 501 refused.*\/orders\/500\/quantity Expected number to be greater than 0/,
    );
    expect(refused.stderr).not.toMatch(/\/orders\/0\b/);
    expect(await orderCount()).toBe(before + 500);
    // --source names the sender a file leaves out.
    await ok(['orders', 'import', fileOf({ orders: ordersFile(1, 9101).orders }), '--source', 'SAP-QAS']);
    expect(await orderCount()).toBe(before + 501);
  });
});
