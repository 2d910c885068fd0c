import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBastion, type Bastion } from '../src/app/bastion.js';
import { initialize } from '../src/app/init.js';
import { allModules } from '../src/app/registry.js';
import { buildHttpApp } from '../src/http/app.js';
import { loadConfig } from '../src/kernel/config/load.js';
import { newId } from '../src/kernel/ids.js';
import { createLogger } from '../src/kernel/logger.js';
import { kernelMigrations } from '../src/kernel/pipeline/schema.js';
import { authenticate } from '../src/modules/identity/sessions.js';
import { trace, type Trace } from '../src/modules/genealogy/trace.js';
import { migrate } from '../src/storage/migrations.js';
import { storageMigrations } from '../src/storage/instance-keys.js';
import { openStorage } from '../src/storage/open.js';
import { testEnvironment } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { makeUser, sessionOf } from './support/identity.js';

const KEYS_MIGRATION = '0513_genealogy_integer_keys';

/** Every migration a database had before the genealogy's integer keys. */
const migrationsBefore = () =>
  [...kernelMigrations, ...storageMigrations, ...allModules().flatMap((m) => m.migrations)].filter(
    (m) => m.name !== KEYS_MIGRATION,
  );

const pairs = (result: Trace) => result.lots.map((l) => [l.number, l.depth, l.quantity, l.order]);

/**
 * A genealogy written in the shape migrations 0500-0512 gave it (text lot IDs in the links), as the commands of
 * that version wrote it: ORE-1 and ORE-2 went into INGOT-1 (order WO-1) and ORE-1 into INGOT-2; PART-1 (order
 * WO-2, two serials) took INGOT-1, INGOT-2 and ORE-2 directly, so ORE-2 lies one and two steps back from it.
 * An NCR names INGOT-1 by its ID, as quality's rows do.
 */
async function writeOldGenealogy(db: Kysely<unknown>): Promise<void> {
  const material = (code: string) => ({ id: newId(), code });
  const [ore, ingot, part] = [material('ORE'), material('INGOT'), material('PART')];
  for (const m of [ore, ingot, part])
    await sql`insert into production_materials (id, code, name, kind, unit, created_at, retired_at)
      values (${m.id}, ${m.code}, ${m.code}, 'raw', 'kg', 0, null)`.execute(db);
  const orders = { 'WO-1': newId(), 'WO-2': newId() };
  for (const [number, id] of Object.entries(orders))
    await sql`insert into production_orders (id, number, material_id, definition_id, quantity, line_path, state,
      good_quantity, scrap_quantity, erp_reference, created_at, closed_at)
      values (${id}, ${number}, ${ingot.id}, null, 10, '/plant/line-1', 'closed', 10, 0, null, 0, 0)`.execute(db);
  const lots: Record<string, string> = {};
  const lot = async (number: string, materialId: string, quantity: number, available: number, order?: string) => {
    lots[number] = newId();
    const orderId = order === undefined ? null : orders[order as keyof typeof orders];
    await sql`insert into genealogy_lots (id, number, material_id, quantity, available, unit, state, hold_reason,
      supplier, supplier_lot, order_id, created_at)
      values (${lots[number]}, ${number}, ${materialId}, ${quantity}, ${available}, 'kg', 'available', null,
      ${order === undefined ? 'Mine AG' : null}, null, ${orderId}, 0)`.execute(db);
  };
  await lot('ORE-1', ore.id, 100, 50);
  await lot('ORE-2', ore.id, 50, 15);
  await lot('INGOT-1', ingot.id, 60, 40, 'WO-1');
  await lot('INGOT-2', ingot.id, 8, 5);
  await lot('PART-1', part.id, 2, 2, 'WO-2');
  const link = (parent: string, child: string, quantity: number) =>
    sql`insert into genealogy_links (parent_id, child_id, quantity, order_id, operation, created_at)
      values (${lots[parent]}, ${lots[child]}, ${quantity}, null, null, 0)`.execute(db);
  await link('ORE-1', 'INGOT-1', 40);
  await link('ORE-2', 'INGOT-1', 30);
  await link('ORE-1', 'INGOT-2', 10);
  await link('INGOT-1', 'PART-1', 20);
  await link('INGOT-2', 'PART-1', 3);
  await link('ORE-2', 'PART-1', 5);
  for (const serial of ['SN-1', 'SN-2'])
    await sql`insert into genealogy_serials (serial, lot_id, created_at) values (${serial}, ${lots['PART-1']}, 0)`.execute(
      db,
    );
  await sql`insert into quality_ncrs (id, number, lot_id, description, state, created_at, created_by)
    values (${newId()}, 'NCR-1', ${lots['INGOT-1']}, 'porosity', 'open', 0, 'qira')`.execute(db);
}

describe(`genealogy made before the integer keys (${testDialect})`, () => {
  let bastion: Bastion;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const environment = await testEnvironment();
    cleanup = environment.cleanup;
    const config = loadConfig({ env: environment.env, cwd: environment.dataDir });
    const old = openStorage(config);
    try {
      await migrate(old, migrationsBefore());
      await writeOldGenealogy(old.db as Kysely<unknown>);
    } finally {
      await old.close();
    }
    const logger = createLogger('silent');
    await initialize(config, logger);
    bastion = await openBastion(config, { logger });
  });
  afterAll(async () => {
    await bastion.close();
    await cleanup();
  });

  it('upgrades: traces, links, serials and the NCR reference come out as before, and foreign keys are enforced again', async () => {
    const db = bastion.storage.db;
    expect(pairs(await trace(db, 'PART-1', 'backward'))).toEqual([
      ['INGOT-1', 1, 60, 'WO-1'],
      ['INGOT-2', 1, 8, null],
      ['ORE-2', 1, 50, null],
      ['ORE-1', 2, 100, null],
    ]);
    const forward = await trace(db, 'ORE-1', 'forward');
    expect(pairs(forward)).toEqual([
      ['INGOT-1', 1, 60, 'WO-1'],
      ['INGOT-2', 1, 8, null],
      ['PART-1', 2, 2, 'WO-2'],
    ]);
    expect(forward.orders).toEqual(['WO-1', 'WO-2']);
    const links = await db
      .selectFrom('genealogy_links as k')
      .innerJoin('genealogy_lots as p', 'p.key', 'k.parent')
      .innerJoin('genealogy_lots as c', 'c.key', 'k.child')
      .select(['p.number as parent', 'c.number as child', 'k.quantity'])
      .orderBy('p.number')
      .orderBy('c.number')
      .execute();
    expect(links.map((l) => [l.parent, l.child, Number(l.quantity)])).toEqual([
      ['INGOT-1', 'PART-1', 20],
      ['INGOT-2', 'PART-1', 3],
      ['ORE-1', 'INGOT-1', 40],
      ['ORE-1', 'INGOT-2', 10],
      ['ORE-2', 'INGOT-1', 30],
      ['ORE-2', 'PART-1', 5],
    ]);
    const serials = await db
      .selectFrom('genealogy_serials as s')
      .innerJoin('genealogy_lots as l', 'l.id', 's.lot_id')
      .select(['s.serial', 'l.number'])
      .orderBy('s.serial')
      .execute();
    expect(serials).toEqual([
      { serial: 'SN-1', number: 'PART-1' },
      { serial: 'SN-2', number: 'PART-1' },
    ]);
    const ncr = await db
      .selectFrom('quality_ncrs as n')
      .innerJoin('genealogy_lots as l', 'l.id', 'n.lot_id')
      .select('l.number')
      .where('n.number', '=', 'NCR-1')
      .executeTakeFirst();
    expect(ncr?.number).toBe('INGOT-1');
    // A link to a lot that does not exist is refused by the database, as before the upgrade.
    await expect(
      db
        .insertInto('genealogy_links')
        .values({ parent: 1, child: 999_999, quantity: 1, order_id: null, operation: null, created_at: 0 })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
  });

  it('after the upgrade, a lot produced from an old lot gets a key of its own and the traces run through it', async () => {
    const app = await buildHttpApp(bastion);
    try {
      const user = await makeUser(bastion, app, { username: 'olli', roles: [{ role: 'operator' }] });
      const session = await sessionOf(app, user);
      const actor = (await authenticate(bastion.storage.db, session.token, Date.now(), { idleMs: 3_600_000 }))!.actor;
      await bastion.pipeline.execute(
        'genealogy.lot.produce',
        { output: { number: 'PART-2', material: 'PART', quantity: 1 }, inputs: [{ lot: 'INGOT-2', quantity: 5 }] },
        actor,
        { channel: 'http' },
      );
      const keys = await bastion.storage.db.selectFrom('genealogy_lots').select('key').execute();
      expect(new Set(keys.map((k) => k.key)).size).toBe(6);
      expect(pairs(await trace(bastion.storage.db, 'ORE-1', 'forward'))).toEqual([
        ['INGOT-1', 1, 60, 'WO-1'],
        ['INGOT-2', 1, 8, null],
        ['PART-1', 2, 2, 'WO-2'],
        ['PART-2', 2, 1, null],
      ]);
      expect(pairs(await trace(bastion.storage.db, 'PART-2', 'backward'))).toEqual([
        ['INGOT-2', 1, 8, null],
        ['ORE-1', 2, 100, null],
      ]);
    } finally {
      await app.close();
    }
  });
});
