import type { ReadDb } from '../../kernel/store.js';
import { pageFrom } from '../../kernel/pagination.js';
import { afterKey, keyOfCursor, keyOfRow, type KeysetOrder } from '../../kernel/keyset.js';

/** Newest first; the id breaks ties. A cursor of another shape is a 400, as on every list. */
const JOB_ORDER: KeysetOrder = { sort: 'requested_at', id: 'id', direction: 'desc', sortType: 'number' };
const DRILL_ORDER: KeysetOrder = { sort: 'started_at', id: 'id', direction: 'desc', sortType: 'number' };
import { toIsoUtc } from '../../kernel/clock.js';
import type { Database } from './db.js';

const iso = (at: number | null) => (at === null ? null : toIsoUtc(Number(at)));
const parsed = (text: string | null) => (text === null ? null : (JSON.parse(text) as Record<string, unknown>));

type JobRow = Database['backup_jobs'];

async function copiesOf(db: ReadDb<Database>, backupIds: string[]) {
  if (backupIds.length === 0) return new Map<string, ReturnType<typeof copyItem>[]>();
  const rows = await db
    .selectFrom('backup_copies')
    .selectAll()
    .where('backup_id', 'in', backupIds)
    .orderBy('destination')
    .execute();
  const map = new Map<string, ReturnType<typeof copyItem>[]>();
  for (const row of rows) map.set(row.backup_id, [...(map.get(row.backup_id) ?? []), copyItem(row)]);
  return map;
}

function copyItem(row: Database['backup_copies']) {
  return {
    destination: row.destination,
    status: row.status,
    attempts: Number(row.attempts),
    bytes: Number(row.bytes),
    error: row.error,
    updatedAt: toIsoUtc(Number(row.updated_at)),
  };
}

function jobItem(row: JobRow, copies: ReturnType<typeof copyItem>[]) {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    backupId: row.backup_id,
    requestedBy: row.requested_by,
    requestedAt: toIsoUtc(Number(row.requested_at)),
    finishedAt: iso(row.finished_at),
    error: row.error,
    result: parsed(row.result),
    copies: row.kind === 'backup' ? copies : [],
  };
}

/** Jobs newest first (a kind, or all), each backup with its copy at every destination. */
export async function pageJobs(
  db: ReadDb<Database>,
  filter: { kind?: string },
  page: { limit: number; cursor?: string },
) {
  let query = db.selectFrom('backup_jobs').selectAll();
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (page.cursor !== undefined) query = query.where(afterKey(JOB_ORDER, keyOfCursor(page.cursor, JOB_ORDER)));
  const rows = await query
    .orderBy('requested_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const copies = await copiesOf(
    db,
    rows.flatMap((r) => (r.backup_id !== null ? [r.backup_id] : [])),
  );
  return pageFrom(
    rows,
    page.limit,
    (r) => keyOfRow(JOB_ORDER, r.requested_at, r.id),
    (r) => jobItem(r, copies.get(r.backup_id ?? '') ?? []),
  );
}

export async function jobById(db: ReadDb<Database>, id: string) {
  const row = await db.selectFrom('backup_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const copies = await copiesOf(db, row.backup_id !== null ? [row.backup_id] : []);
  return jobItem(row, copies.get(row.backup_id ?? '') ?? []);
}

export async function pageDrills(db: ReadDb<Database>, page: { limit: number; cursor?: string }) {
  let query = db.selectFrom('backup_drills').selectAll();
  if (page.cursor !== undefined) query = query.where(afterKey(DRILL_ORDER, keyOfCursor(page.cursor, DRILL_ORDER)));
  const rows = await query
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return pageFrom(
    rows,
    page.limit,
    (r) => keyOfRow(DRILL_ORDER, r.started_at, r.id),
    (r) => ({
      jobId: r.job_id,
      destination: r.destination,
      backupId: r.backup_id,
      status: r.status,
      startedAt: toIsoUtc(Number(r.started_at)),
      finishedAt: toIsoUtc(Number(r.finished_at)),
      rpoMs: r.rpo_ms === null ? null : Number(r.rpo_ms),
      rtoMs: r.rto_ms === null ? null : Number(r.rto_ms),
      checks: JSON.parse(r.checks) as { name: string; ok: boolean; detail: string }[],
      error: r.error,
    }),
  );
}

export async function runningJob(db: ReadDb<Database>) {
  const row = await db
    .selectFrom('backup_jobs')
    .select(['id', 'kind', 'requested_at'])
    .where('status', '=', 'running')
    .executeTakeFirst();
  return row ? { id: row.id, kind: row.kind, requestedAt: toIsoUtc(Number(row.requested_at)) } : null;
}
