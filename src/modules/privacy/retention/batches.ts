import { sql, type Kysely } from 'kysely';
import type { AnyTables, ReadDb } from '../../../kernel/store.js';
import type { RetentionTarget } from './targets.js';

/**
 * Deletes up to about `limit` expired rows of one table, oldest first, in the caller's transaction. Neither
 * dialect has a portable DELETE ... LIMIT, and some tables (ingest_values) have no key: the batch is bounded
 * by the time of its `limit`-th oldest expired row instead (rows sharing that time go too), which the time
 * column's index answers.
 */
export async function deleteExpiredBatch(tx: Kysely<AnyTables>, target: RetentionTarget, limit: number) {
  const time = sql.ref(target.timeColumn);
  const boundary = (await tx
    .selectFrom(target.table)
    .select(time.as('at'))
    .where(time, '<', target.cutoff)
    .orderBy(time)
    .limit(1)
    .offset(limit - 1)
    .executeTakeFirst()) as { at: number } | undefined;
  let query = tx.deleteFrom(target.table).where(time, '<', target.cutoff);
  if (boundary !== undefined) query = query.where(time, '<=', Number(boundary.at));
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** How many rows of the table have expired (a dry run's figure). */
export async function countExpired(db: ReadDb, target: RetentionTarget): Promise<number> {
  const row = await db
    .selectFrom(target.table)
    .select((eb) => eb.fn.countAll().as('n'))
    .where(sql.ref(target.timeColumn), '<', target.cutoff)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
