import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import type { History } from './schedule.js';

async function latest(db: ReadDb<Database>, kind: string, status?: string): Promise<number | null> {
  let query = db
    .selectFrom('backup_jobs')
    .select((eb) => eb.fn.max('requested_at').as('at'))
    .where('kind', '=', kind);
  if (status !== undefined) query = query.where('status', '=', status);
  const row = await query.executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

export async function historyOf(db: ReadDb<Database>): Promise<History> {
  const drill = await db
    .selectFrom('backup_drills')
    .select((eb) => eb.fn.max('finished_at').as('at'))
    .where('status', '=', 'passed')
    .executeTakeFirst();
  const first = await db
    .selectFrom('backup_sets')
    .select((eb) => eb.fn.min('created_at').as('at'))
    .executeTakeFirst();
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    lastBackupRequested: await latest(db, 'backup'),
    lastBackupSucceeded: await latest(db, 'backup', 'succeeded'),
    lastPrune: await latest(db, 'prune'),
    lastDrillRequested: await latest(db, 'drill'),
    lastDrillPassed: num(drill?.at),
    firstBackup: num(first?.at),
  };
}
