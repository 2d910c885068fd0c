import type { Kysely } from 'kysely';
import type { ModuleMigration } from './migrations.js';

/**
 * One row per key that every instance on this database must hold: the key's file name and its fingerprint
 * (a public-key hash or an HMAC under the key, never the key). An instance with another key refuses to start.
 */
export interface InstanceKeyTables {
  instance_keys: { name: string; fingerprint: string; recorded_at: number };
}

export const storageMigrations: ModuleMigration[] = [
  {
    name: '0990_storage_instance_keys',
    async up(db, storage) {
      await db.schema
        .createTable('instance_keys')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('recorded_at', storage.capabilities.bigIntType, (c) => c.notNull())
        .execute();
    },
  },
];

type Db = Kysely<InstanceKeyTables>;

export async function recordedKeys(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('instance_keys').select(['name', 'fingerprint']).execute();
  return new Map(rows.map((r) => [r.name, r.fingerprint]));
}

/** Records a key unless one is already recorded under that name; returns the fingerprint that stands. */
export async function recordKey(db: Db, name: string, fingerprint: string, at: number): Promise<string> {
  await db
    .insertInto('instance_keys')
    .values({ name, fingerprint, recorded_at: at })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('instance_keys').select('fingerprint').where('name', '=', name).executeTakeFirst();
  return row!.fingerprint;
}
