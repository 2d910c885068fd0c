import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrate, type ModuleMigration } from '../src/storage/migrations.js';
import { openPostgres } from '../src/storage/postgres.js';
import { testDialect } from './support/database.js';
import { freshStorageEachTest } from './support/fresh-storage.js';

const table = (name: string): ModuleMigration => ({
  name,
  up: (db) => db.schema.createTable(`t_${name}`).addColumn('id', 'integer').execute(),
});

describe(`migrations (${testDialect})`, () => {
  const fresh = freshStorageEachTest('bastion-migrations-');

  it("runs a module's new migration numbered before another module's that the database already ran", async () => {
    expect(await migrate(fresh.storage, [table('0100_a'), table('0990_z')])).toEqual(['0100_a', '0990_z']);
    expect(await migrate(fresh.storage, [table('0100_a'), table('0500_m'), table('0990_z')])).toEqual(['0500_m']);
  });

  it.runIf(testDialect === 'postgres')(
    'migrates a database in its own schema when another schema of the same database already holds migration tables',
    async () => {
      expect(await migrate(fresh.storage, [table('0100_a')])).toEqual(['0100_a']); // the public schema's Bastion
      const other = new URL(fresh.url!);
      await sql`create schema second`.execute(fresh.storage.db);
      other.searchParams.set('options', '-c search_path=second');
      const second = openPostgres(other.toString());
      try {
        expect(await migrate(second, [table('0100_a'), table('0200_b')])).toEqual(['0100_a', '0200_b']);
        const { rows } = await sql<{ name: string }>`select name from second.bastion_migrations order by name`.execute(
          second.db,
        );
        expect(rows.map((r) => r.name)).toEqual(['0100_a', '0200_b']);
      } finally {
        await second.close();
      }
    },
  );

  it.runIf(testDialect === 'postgres')(
    'keeps using the migration table search_path finds when an empty schema comes before it in search_path',
    async () => {
      expect(await migrate(fresh.storage, [table('0100_a')])).toEqual(['0100_a']);
      await sql`create schema first`.execute(fresh.storage.db);
      const ahead = new URL(fresh.url!);
      ahead.searchParams.set('options', '-c search_path=first,public');
      const reopened = openPostgres(ahead.toString());
      try {
        expect(await migrate(reopened, [table('0100_a'), table('0200_b')])).toEqual(['0200_b']);
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
          where table_schema = 'first' and table_name like 'bastion_migration%'`.execute(reopened.db);
        expect(rows[0]!.n).toBe(0);
      } finally {
        await reopened.close();
      }
    },
  );
});
