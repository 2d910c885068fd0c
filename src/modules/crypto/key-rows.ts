import type { Kysely } from 'kysely';
import type { ReadDb } from '../../kernel/store.js';
import type { CryptoTables, KeyState } from './schema.js';

/** The queries on crypto_keys; all of them take the handle to use (a command's transaction or the read handle). */
export type KeyRow = CryptoTables['crypto_keys'];
type Reader = ReadDb<CryptoTables> | Kysely<CryptoTables>;

/** The keys that still decrypt: what start-up unwraps. */
export function usableKeys(db: Reader): Promise<KeyRow[]> {
  return db.selectFrom('crypto_keys').selectAll().where('state', 'in', ['active', 'decrypt-only']).execute();
}

export function keyById(db: Reader, id: string): Promise<KeyRow | undefined> {
  return db.selectFrom('crypto_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export function activeKey(db: Reader, purpose: string, subject: string): Promise<KeyRow | undefined> {
  return db
    .selectFrom('crypto_keys')
    .selectAll()
    .where('purpose', '=', purpose)
    .where('subject', '=', subject)
    .where('state', '=', 'active')
    .orderBy('version', 'desc')
    .executeTakeFirst();
}

export async function newestVersion(db: Reader, purpose: string, subject: string): Promise<number> {
  const row = await db
    .selectFrom('crypto_keys')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('purpose', '=', purpose)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

/** Inserts a key unless another instance made the same version meanwhile (then the caller reads theirs). */
export async function insertKey(tx: Kysely<CryptoTables>, row: KeyRow): Promise<void> {
  await tx
    .insertInto('crypto_keys')
    .values(row)
    .onConflict((oc) => oc.columns(['purpose', 'subject', 'version']).doNothing())
    .execute();
}

export async function setState(tx: Kysely<CryptoTables>, ids: string[], state: KeyState, at: number): Promise<void> {
  if (ids.length === 0) return;
  const erase = state === 'retired' || state === 'shredded';
  await tx
    .updateTable('crypto_keys')
    .set(erase ? { state, wrapped: '', retired_at: at } : { state })
    .where('id', 'in', ids)
    .execute();
}

/** The shared (subject-less) keys of one purpose still used to decrypt only: what a rotation retires. */
export function decryptOnlyKeys(db: Reader, purpose: string): Promise<KeyRow[]> {
  return db
    .selectFrom('crypto_keys')
    .selectAll()
    .where('purpose', '=', purpose)
    .where('subject', '=', '')
    .where('state', '=', 'decrypt-only')
    .execute();
}
