import { sql, type Kysely } from 'kysely';
import type { AnyTables, ReadDb } from '../../../kernel/store.js';
import { eraseAccount } from '../../identity/index.js';
import type { RetentionTarget } from './targets.js';

/**
 * The accounts whose holders left before the cutoff and are not erased yet. An account's leaving date is its
 * `expires_at` (`identity.user.expire` sets it to the moment of leaving; a contract's end date set at creation
 * counts from that day). Disabling alone is a suspension that may be lifted and starts no clock.
 */
function leavers(db: ReadDb | Kysely<AnyTables>, target: RetentionTarget) {
  return db
    .selectFrom(target.table)
    .where(sql.ref(target.timeColumn), '<', target.cutoff)
    .where('erased_at', 'is', null);
}

export async function countLeavers(db: ReadDb, target: RetentionTarget): Promise<number> {
  const row = await leavers(db, target)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Erases up to `limit` former members of staff in the caller's transaction, exactly as a data-subject erasure
 * does (identity's eraseAccount): their keys are destroyed, so everything sealed under them is unreadable for
 * good, the user name becomes a pseudonym, and the rows that exist only for the person go. The account id
 * stays, so the audit chain, which names people only by it, still verifies.
 */
export async function eraseFormerStaff(
  ctx: Parameters<typeof eraseAccount>[0],
  target: RetentionTarget,
  limit: number,
): Promise<{ erased: number; keysShredded: number }> {
  const subject = target.entry.subject ?? 'id';
  const rows = (await leavers(ctx.tx, target).select(sql.ref(subject).as('subject')).limit(limit).execute()) as {
    subject: string;
  }[];
  let keysShredded = 0;
  for (const { subject: userId } of rows) keysShredded += (await eraseAccount(ctx, userId)).keysShredded;
  return { erased: rows.length, keysShredded };
}
