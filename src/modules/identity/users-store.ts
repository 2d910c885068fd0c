import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../kernel/privacy/cipher.js';
import type { ReadDb } from '../../kernel/store.js';
import { sealDisplayName } from './personal-data.js';
import { NotFoundError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { generateOneTimePassword, hashPassword } from './passwords.js';
import type { Database } from './db.js';

export type UserRow = Database['users'];

export async function userById(db: ReadDb<Database>, id: string): Promise<UserRow> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!user) throw new NotFoundError(`No account ${id}.`);
  return user;
}

export async function userByName(db: ReadDb<Database>, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

/** Ends every live session of an account (a write: only ever given a handler's `ctx.tx`) (disable, reset, password change elsewhere, admin revocation). */
export async function revokeSessions(
  db: Kysely<Database>,
  userId: string,
  now: number,
  except?: string,
): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (except !== undefined && except !== '') query = query.where('id', '<>', except);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The columns an account's public view is made of. Lists read only these, so a page of accounts never loads a
 * password hash or a TOTP secret into memory at all.
 */
export const PUBLIC_USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'kind',
  'vendor',
  'disabled',
  'locked_until',
  'expires_at',
  'totp_enabled',
  'must_change_password',
  'created_at',
] as const satisfies readonly (keyof UserRow)[];
export type PublicUserRow = Pick<UserRow, (typeof PUBLIC_USER_COLUMNS)[number]>;

/** The view of an account that leaves this module: never a hash or a secret. */
export function publicUser(user: PublicUserRow, now = Date.now()) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    kind: user.kind,
    vendor: user.vendor === 1,
    disabled: user.disabled === 1,
    locked: user.locked_until !== null && user.locked_until > now,
    lockedUntil: user.locked_until === null ? null : new Date(user.locked_until).toISOString(),
    expiresAt: user.expires_at === null ? null : new Date(user.expires_at).toISOString(),
    mfaEnrolled: user.totp_enabled === 1,
    mustChangePassword: user.must_change_password === 1,
    createdAt: new Date(user.created_at).toISOString(),
  };
}

/** A new account row: a one-time password that must be changed, no second factor yet, nothing locked. */
export function newUserRow(
  fields: Pick<UserRow, 'id' | 'username' | 'display_name' | 'kind' | 'password_hash' | 'created_at' | 'created_by'> &
    Partial<Pick<UserRow, 'vendor' | 'is_bootstrap' | 'expires_at'>>,
): UserRow {
  return {
    vendor: 0,
    is_bootstrap: 0,
    expires_at: null,
    ...fields,
    must_change_password: 1,
    disabled: 0,
    failed_logins: 0,
    locked_until: null,
    totp_secret: null,
    totp_enabled: 0,
    totp_last_step: null,
    password_changed_at: null,
    erased_at: null,
  };
}

type NewAccount = Omit<Parameters<typeof newUserRow>[0], 'id' | 'password_hash'>;

/** Inserts a new account with a fresh one-time password; returns the ID and the password, shown once. */
export async function insertAccount(
  db: Kysely<Database>,
  cipher: FieldCipher,
  fields: NewAccount,
): Promise<{ id: string; oneTimePassword: string }> {
  const oneTimePassword = generateOneTimePassword();
  const id = newId();
  const display_name = await sealDisplayName(cipher, db, id, fields.display_name);
  await db
    .insertInto('users')
    .values(newUserRow({ ...fields, display_name, id, password_hash: await hashPassword(oneTimePassword) }))
    .execute();
  return { id, oneTimePassword };
}

/** User names by account id, for lists that name people (an id that is no account is left out). */
export async function usernamesOf(db: ReadDb<Database>, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'username']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.username]));
}
