import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allModules } from '../src/app/registry.js';
import type { Bastion } from '../src/app/bastion.js';
import { inventoryIn, inventoryMarkdown } from '../src/modules/privacy/index.js';
import { instanceCatalog } from '../src/storage/catalog.js';
import { cli } from './support/cli.js';
import { adminSession, httpTestBastion } from './support/http.js';
import { enrolledSession, makeUser } from './support/identity.js';
import type { TestBastion } from './support/bastion.js';

let t: TestBastion;
let app: FastifyInstance;

beforeAll(async () => {
  ({ t, app } = await httpTestBastion());
}, 60_000);

afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

/** Every `table.column` of the migrated database, read from the database's own catalogue. */
async function liveColumns(bastion: Bastion): Promise<string[]> {
  const { db, dialect } = bastion.storage;
  if (dialect === 'postgres') {
    // Tables only, as on SQLite below: a view (ingest_values) holds no data of its own to classify.
    const { rows } = await sql<{ t: string; c: string }>`select c.table_name as t, c.column_name as c
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`.execute(db);
    return rows.map((r) => `${r.t}.${r.c}`);
  }
  const { rows: tables } = await sql<{ name: string }>`select name from sqlite_master
    where type = 'table' and name not like 'sqlite_%'`.execute(db);
  const columns: string[] = [];
  for (const { name } of tables) {
    const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
    columns.push(...rows.map((r) => `${name}.${r.name}`));
  }
  return columns;
}

const declaredColumns = (bastion: Bastion) =>
  Object.entries(bastion.context.catalog).flatMap(([table, entry]) =>
    Object.keys(entry.columns).map((c) => `${table}.${c}`),
  );

describe('the data catalogue', () => {
  it('classifies every column of the migrated database, and names no column that does not exist', async () => {
    const live = await liveColumns(t.bastion);
    const declared = declaredColumns(t.bastion);
    expect(live.length).toBeGreaterThan(100);
    expect(live.filter((c) => !declared.includes(c)).sort(), 'columns missing from the catalogue').toEqual([]);
    expect(declared.filter((c) => !live.includes(c)).sort(), 'catalogue entries naming no column').toEqual([]);
  });

  it("names an existing column of its own table as every table's subject, retention date and row key", () => {
    for (const [table, entry] of Object.entries(t.bastion.context.catalog)) {
      const named = [entry.subject, entry.retention?.timeColumn, ...[entry.rowKey ?? 'id'].flat()];
      for (const column of named.filter((c): c is string => c !== undefined))
        expect(entry.columns, `${table}.${column}`).toHaveProperty(column);
    }
  });

  it('lists every table over GET /api/privacy/catalog for a security officer, and refuses an operator', async () => {
    const officer = await enrolledSession(
      app,
      await makeUser(t.bastion, app, { username: 'catalog-officer', roles: [{ role: 'security-officer' }] }),
    );
    const operator = await enrolledSession(
      app,
      await makeUser(t.bastion, app, { username: 'catalog-operator', roles: [{ role: 'operator' }] }),
    );
    const listed = await app.inject({ method: 'GET', url: '/api/privacy/catalog', headers: officer.headers });
    expect(listed.statusCode).toBe(200);
    const { tables } = listed.json<{ tables: { table: string; columns: { name: string; encrypted: unknown }[] }[] }>();
    expect(tables.map((x) => x.table).sort()).toEqual(Object.keys(t.bastion.context.catalog).sort());
    const users = tables.find((x) => x.table === 'users')!;
    expect(users.columns.find((c) => c.name === 'display_name')!.encrypted).toEqual({
      purpose: 'personal',
      bySubject: true,
    });
    const refused = await app.inject({ method: 'GET', url: '/api/privacy/catalog', headers: operator.headers });
    expect(refused.statusCode).toBe(403);
  });

  it('lists every column with its class from `bastion data catalog`, and the same catalogue as JSON with --json', async () => {
    const text = await cli(['data', 'catalog'], t.env, t.dataDir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/users\s+display_name\s+restricted\s+personal\s+encrypted:personal\/subject/);
    const json = await cli(['data', 'catalog', '--json'], t.env, t.dataDir);
    expect(json.code, json.stderr).toBe(0);
    const listed = JSON.parse(json.stdout) as { tables: { table: string; columns: unknown[] }[] };
    expect(listed.tables.flatMap((x) => x.columns).length).toBe(declaredColumns(t.bastion).length);
  });

  it('has, in docs/SECURITY.md, the data inventory generated from the catalogue', () => {
    const security = readFileSync(new URL('../docs/SECURITY.md', import.meta.url), 'utf8');
    expect(inventoryIn(security), 'run `node scripts/data-inventory.mjs` after changing a catalogue').toBe(
      inventoryMarkdown(instanceCatalog(allModules())),
    );
  });

  it('refuses the catalogue route to an anonymous caller and answers the administrator', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/api/privacy/catalog' });
    expect(anonymous.statusCode).toBe(401);
    const admin = await adminSession(app, t);
    expect((await app.inject({ method: 'GET', url: '/api/privacy/catalog', headers: admin.headers })).statusCode).toBe(
      200,
    );
  });
});
