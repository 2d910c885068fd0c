import { sql, type Kysely } from 'kysely';
import type { FieldCipher } from '../../../kernel/privacy/cipher.js';
import type { AnyTables, ReadDb } from '../../../kernel/store.js';
import type { RetentionTarget } from './targets.js';

const ERASED = 'erased-';

/** The name an erased account keeps: unique, stable, and no longer the person's. */
export const pseudonymOf = (userId: string) => `${ERASED}${userId.slice(0, 8)}`;

/**
 * The accounts whose holders left before the cutoff and are not erased yet. An account's leaving date is its
 * `expires_at` (`identity.user.expire` sets it to the moment of leaving; a contract's end date set at creation
 * counts from that day). Disabling alone is a suspension that may be lifted and starts no clock.
 */
function leavers(db: ReadDb | Kysely<AnyTables>, target: RetentionTarget) {
  return db
    .selectFrom(target.table)
    .where(sql.ref(target.timeColumn), '<', target.cutoff)
    .where('username', 'not like', `${ERASED}%`);
}

export async function countLeavers(db: ReadDb, target: RetentionTarget): Promise<number> {
  const row = await leavers(db, target)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Erases up to `limit` former members of staff in the caller's transaction: destroys each one's keys
 * (`cipher.shred`), so everything sealed under them becomes unreadable for good, and replaces the user name
 * and display name with a pseudonym. The rows stay, so the audit chain, which names people only by their
 * pseudonymous ids, still verifies, and records that point at the account still resolve.
 */
export async function eraseFormerStaff(
  tx: Kysely<AnyTables>,
  cipher: Pick<FieldCipher, 'shred'>,
  target: RetentionTarget,
  now: number,
  limit: number,
): Promise<{ erased: number; keysShredded: number }> {
  const subject = target.entry.subject ?? 'id';
  const rows = (await leavers(tx, target).select(sql.ref(subject).as('subject')).limit(limit).execute()) as {
    subject: string;
  }[];
  let keysShredded = 0;
  for (const { subject: userId } of rows) {
    keysShredded += await cipher.shred(tx, userId, now);
    const pseudonym = pseudonymOf(userId);
    await tx
      .updateTable(target.table)
      .set({ username: pseudonym, display_name: pseudonym })
      .where(sql.ref(subject), '=', userId)
      .execute();
  }
  return { erased: rows.length, keysShredded };
}
