import type { ReadDb } from '../../../kernel/store.js';
import type { AuditTables } from '../../audit/index.js';
import type { BackupTables } from '../../backup/index.js';
import type { IdentityTables } from '../../identity/index.js';
import type { IngestTables } from '../../ingest/index.js';
import type { MonitoringTables } from '../schema.js';

/**
 * Facts of other modules' tables that the posture API and /metrics both report, read through the read-only
 * handle (a module may read, never write, another's tables; their types come from each module's index.ts).
 */
export type PostureDb = ReadDb<MonitoringTables & AuditTables & BackupTables & IngestTables & IdentityTables>;

/** The security event kinds a verification of the audit chain leaves (see normalize.ts: `audit.*` sources). */
export const VERIFIED = 'audit.verified';
export const VERIFICATION_FAILED = 'audit.verification-failed';

export interface Outcome {
  at: number;
  ok: boolean;
}

const num = (value: unknown): number => Number(value);

export async function lastVerification(db: PostureDb): Promise<Outcome | null> {
  const row = await db
    .selectFrom('security_events')
    .select(['at', 'kind'])
    .where('kind', 'in', [VERIFIED, VERIFICATION_FAILED])
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { at: num(row.at), ok: row.kind === VERIFIED } : null;
}

export async function lastCheckpoint(db: PostureDb): Promise<{ at: number; treeSize: number } | null> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .select(['created_at', 'tree_size'])
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { at: num(row.created_at), treeSize: num(row.tree_size) } : null;
}

export async function auditRecords(db: PostureDb): Promise<number> {
  const row = await db.selectFrom('audit_records').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? num(row.seq) : 0;
}

/** The newest backup job that ended (succeeded or failed), and the newest one that succeeded. */
export async function lastBackup(db: PostureDb, status?: 'succeeded'): Promise<Outcome | null> {
  let query = db
    .selectFrom('backup_jobs')
    .select(['finished_at', 'status'])
    .where('kind', '=', 'backup')
    .where('finished_at', 'is not', null);
  query =
    status !== undefined ? query.where('status', '=', status) : query.where('status', 'in', ['succeeded', 'failed']);
  const row = await query.orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
  return row ? { at: num(row.finished_at), ok: row.status === 'succeeded' } : null;
}

export async function lastDrill(db: PostureDb): Promise<Outcome | null> {
  const row = await db
    .selectFrom('backup_drills')
    .select(['finished_at', 'status'])
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { at: num(row.finished_at), ok: row.status === 'passed' } : null;
}

export async function quarantinedDevices(db: PostureDb): Promise<number> {
  const row = await db
    .selectFrom('ingest_devices')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('state', '=', 'quarantined')
    .executeTakeFirst();
  return num(row?.n ?? 0);
}
