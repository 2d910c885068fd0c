import { afterKey, keyOfCursor, keyOfRow, type KeysetOrder } from '../../kernel/keyset.js';
import { pageFrom } from '../../kernel/pagination.js';
import type { FieldCipher } from '../../kernel/privacy/cipher.js';
import type { ReadDb } from '../../kernel/store.js';
import { openAccount } from './personal-data.js';
import type { Database } from './db.js';
import { PUBLIC_USER_COLUMNS, publicUser } from './users-store.js';

const USER_ORDER: KeysetOrder = { sort: 'username', id: 'id', direction: 'asc', sortType: 'string' };

export interface UserFilter {
  kind?: string;
  disabled?: boolean;
  /** Accounts holding a live (unrevoked, unexpired) grant of this role, at any scope. */
  role?: string;
}

/** Accounts by user name (id breaks ties). Accounts are not at a place: the list is the same for every reader. */
export async function pageUsers(
  db: ReadDb<Database>,
  cipher: FieldCipher,
  now: number,
  filter: UserFilter,
  page: { limit: number; cursor?: string },
) {
  let query = db.selectFrom('users').select(PUBLIC_USER_COLUMNS);
  const { kind, disabled, role } = filter;
  if (kind !== undefined) query = query.where('kind', '=', kind);
  if (disabled !== undefined) query = query.where('disabled', '=', disabled ? 1 : 0);
  if (role !== undefined)
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('role_grants as g')
          .select('g.id')
          .whereRef('g.user_id', '=', 'users.id')
          .where('g.role', '=', role)
          .where('g.revoked_at', 'is', null)
          .where((g) => g.or([g('g.expires_at', 'is', null), g('g.expires_at', '>', now)])),
      ),
    );
  if (page.cursor !== undefined) query = query.where(afterKey(USER_ORDER, keyOfCursor(page.cursor, USER_ORDER)));
  const stored = await query
    .orderBy('username')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  const rows = await Promise.all(stored.map((row) => openAccount(cipher, row)));
  return pageFrom(
    rows,
    page.limit,
    (u) => keyOfRow(USER_ORDER, u.username, u.id),
    (u) => publicUser(u, now),
  );
}
