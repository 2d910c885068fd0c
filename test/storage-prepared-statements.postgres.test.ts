import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/storage/postgres.js';
import type { StatementNaming } from '../src/storage/postgres-statements.js';
import type { Storage } from '../src/storage/storage.js';
import { dropDatabase, freshDatabaseUrl } from './support/database.js';

// One connection, so that pg_prepared_statements (which lists only its own session's) sees every statement.
const naming: StatementNaming = { threshold: 3, cap: 4, tracked: 100 };
let url: string;
let storage: Storage;

beforeEach(async () => {
  url = (await freshDatabaseUrl())!;
  storage = openPostgres(url, 1, undefined, undefined, naming);
});

afterEach(async () => {
  await storage.close();
  await dropDatabase(url);
});

interface Prepared {
  name: string;
  statement: string;
  runs: number;
}

/** This session's named statements and how many times each ran since it was parsed. */
async function prepared(of: Storage = storage): Promise<Prepared[]> {
  const { rows } = await sql<Prepared>`
    select name, statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements
    where from_sql = false order by statement`.execute(of.db);
  return rows.filter((row) => !row.statement.includes('pg_prepared_statements'));
}

async function double(value: number): Promise<number> {
  const { rows } = await sql<{ v: number }>`select ${value}::int * 2 as v`.execute(storage.db);
  return rows[0]!.v;
}

const backendPid = async () =>
  (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(storage.db)).rows[0]!.pid;

describe('named prepared statements on PostgreSQL', () => {
  it('a text seen three times is parsed once on the connection and every later run reuses it, with fresh values', async () => {
    for (let i = 1; i <= 10; i++) expect(await double(i)).toBe(2 * i);
    const statements = await prepared();
    expect(statements).toEqual([{ name: expect.stringMatching(/^bastion_/), statement: expect.any(String), runs: 8 }]);
    expect(statements[0]!.statement).toContain('* 2 as v');
  });

  it('names at most the cap of texts per pool, however many texts repeat, and the others still run unnamed', async () => {
    for (let text = 0; text < 10; text++) {
      for (let run = 0; run < 3; run++) {
        const { rows } = await sql<{ v: number }>`select ${run}::int + ${sql.lit(text)} as v`.execute(storage.db);
        expect(rows[0]!.v).toBe(run + text);
      }
    }
    expect(await prepared()).toHaveLength(naming.cap);
  });

  it('sends nothing named with naming turned off', async () => {
    const plain = openPostgres(url, 1, undefined, undefined, false);
    try {
      for (let i = 0; i < 5; i++) await sql`select ${i}::int as v`.execute(plain.db);
      expect(await prepared(plain)).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('a statement first parsed in a transaction that rolls back stays usable on the connection', async () => {
    for (let i = 1; i <= 2; i++) await double(i);
    await expect(
      storage.db.transaction().execute(async (tx) => {
        expect((await sql<{ v: number }>`select ${3}::int * 2 as v`.execute(tx)).rows[0]!.v).toBe(6);
        await sql`select 1 / ${0}::int`.execute(tx);
      }),
    ).rejects.toThrow('division by zero');
    expect(await double(4)).toBe(8);
    expect((await prepared()).map((p) => p.runs)).toEqual([2]);
  });

  it('a table whose columns change under a named statement: the next query outside a transaction answers with the new columns, on a new connection', async () => {
    await sql`create table widgets (id int primary key)`.execute(storage.db);
    await sql`insert into widgets values (1)`.execute(storage.db);
    const read = async () => (await sql`select * from widgets where id = ${1}`.execute(storage.db)).rows;
    for (let i = 0; i < 4; i++) expect(await read()).toEqual([{ id: 1 }]);
    const before = await backendPid();
    await sql`alter table widgets add column colour text default 'red'`.execute(storage.db);
    expect(await read()).toEqual([{ id: 1, colour: 'red' }]);
    expect(await backendPid()).not.toBe(before);
    expect(await read()).toEqual([{ id: 1, colour: 'red' }]);
  });

  it('a table whose columns change under a named statement inside a transaction fails that transaction only', async () => {
    await sql`create table widgets (id int primary key)`.execute(storage.db);
    const read = (db: typeof storage.db) => sql`select * from widgets where id = ${1}`.execute(db);
    for (let i = 0; i < 4; i++) await read(storage.db);
    await sql`alter table widgets add column colour text`.execute(storage.db);
    await expect(storage.db.transaction().execute((tx) => read(tx))).rejects.toMatchObject({ code: '0A000' });
    await storage.db.transaction().execute(async (tx) => expect((await read(tx)).rows).toEqual([]));
  });
});
