import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { ModuleMigration } from '../kernel/store.js';
import type { Storage } from './storage.js';

export type { ModuleMigration } from '../kernel/store.js';

class ListProvider implements MigrationProvider {
  constructor(
    private readonly migrations: ModuleMigration[],
    private readonly storage: Storage,
  ) {}

  getMigrations(): Promise<Record<string, Migration>> {
    const entries = this.migrations.map((m): [string, Migration] => [m.name, { up: (db) => m.up(db, this.storage) }]);
    return Promise.resolve(Object.fromEntries(entries));
  }
}

/** Applies every pending migration, in name order, each in its own transaction. */
export async function migrate(storage: Storage, migrations: ModuleMigration[]): Promise<string[]> {
  const names = migrations.map((m) => m.name);
  if (new Set(names).size !== names.length) throw new Error('duplicate migration names');
  const schema = storage.dialect === 'postgres' ? await migrationSchema(storage) : undefined;
  const migrator = new Migrator({
    db: storage.db,
    provider: new ListProvider(migrations, storage),
    migrationTableName: 'bastion_migrations',
    migrationLockTableName: 'bastion_migration_lock',
    // Without a schema, Kysely takes a migration table in any schema of the database for ours: a second Bastion
    // (a bench's private schema) in the same database would skip creating its own and then fail to find it.
    ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
    // Numbers are ranges per module (0100 audit, 0200 identity, …, 0990 storage): a module's new migration
    // sorts before another module's that a database may already have run. It must still run, not stop start-up.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  // Kysely reports what the failed migration threw, which is an Error unless a migration threw something else.
  if (error !== undefined) throw error instanceof Error ? error : new Error('a migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The schema of the migration table that an unqualified name finds through search_path (as every query of
 * Bastion's finds its tables), or on a new database the one where unqualified names create tables.
 */
async function migrationSchema(storage: Storage): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string | null }>`
    select coalesce(
      (select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.oid = to_regclass('bastion_migrations')),
      current_schema()
    ) as schema`.execute(storage.db);
  return rows[0]?.schema ?? undefined;
}
