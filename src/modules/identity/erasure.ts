import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../kernel/privacy/cipher.js';
import type { CommandContext } from '../../kernel/pipeline/types.js';
import type { AnyTables } from '../../kernel/store.js';
import type { Database } from './db.js';
import { ERASED_NAME } from './personal-data.js';
import { sessionsChanged } from './session-cache/changes.js';

/** What erasing an account removed, by kind (counts only: the register and the audit record keep these). */
export interface AccountErasure {
  keysShredded: number;
  sessionsDeleted: number;
  recoveryCodesDeleted: number;
  badgesDeleted: number;
  grantsRevoked: number;
}

/**
 * Erases a person's account in the caller's transaction (the privacy module's erase command): their keys are
 * destroyed (the sealed name becomes unreadable everywhere, backups included once they expire), the user name
 * becomes a pseudonym, the account is closed, and the rows that exist only for the person are deleted. The
 * account id stays, so the audit log and batch records that cite it remain whole and verifiable.
 */
export async function eraseAccount(
  ctx: { tx: Kysely<AnyTables>; cipher: FieldCipher; now: number } & Pick<CommandContext, 'uow' | 'emit'>,
  userId: string,
): Promise<AccountErasure> {
  const { cipher, now } = ctx;
  const tx = ctx.tx as Kysely<Database>;
  const keysShredded = await cipher.shred(ctx.tx, userId, now);
  const row = await tx.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirstOrThrow();
  await tx
    .updateTable('users')
    .set({
      username: `erased-${userId}`,
      // A name stored before encryption has no key to shred: it is overwritten instead.
      ...(cipher.isSealed(row.display_name) ? {} : { display_name: ERASED_NAME }),
      disabled: 1,
      totp_secret: null,
      totp_enabled: 0,
      erased_at: now,
    })
    .where('id', '=', userId)
    .execute();
  const deleted = async (table: 'sessions' | 'recovery_codes' | 'user_badges') =>
    Number((await tx.deleteFrom(table).where('user_id', '=', userId).executeTakeFirst()).numDeletedRows);
  const grantsRevoked = await tx
    .updateTable('role_grants')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  await sessionsChanged(ctx);
  return {
    keysShredded,
    sessionsDeleted: await deleted('sessions'),
    recoveryCodesDeleted: await deleted('recovery_codes'),
    badgesDeleted: await deleted('user_badges'),
    grantsRevoked: Number(grantsRevoked.numUpdatedRows),
  };
}
