import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../kernel/store.js';

/**
 * Makes a table append-only in the database itself: UPDATE and DELETE (and TRUNCATE on PostgreSQL)
 * raise an error whatever the client, so only someone who can drop triggers can rewrite history.
 */
export async function forbidUpdateAndDelete(db: Kysely<unknown>, storage: Dialect, table: string): Promise<void> {
  if (storage.dialect === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} ` +
            `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION bastion_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
        `BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $$`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
        `FOR EACH ROW EXECUTE FUNCTION bastion_append_only()`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} ` +
        `FOR EACH STATEMENT EXECUTE FUNCTION bastion_append_only()`,
    )
    .execute(db);
}
