import type { ModuleMigration } from '../../kernel/store.js';

/**
 * What was backed up, verified, pruned, drilled and restored, and where: the history the security officer
 * reads and the evidence an auditor asks for. The backups themselves live at the destinations, never here.
 */
export interface BackupTables {
  /** Every piece of backup work, one at a time: a backup, a verification, a prune, a drill or a restore. */
  backup_jobs: {
    id: string;
    kind: string;
    status: string;
    /** The backup the job is about (a backup job: the one it made). */
    backup_id: string | null;
    requested_by: string;
    requested_at: number;
    /** `host:pid` of the process that claimed the job and runs it: a dead one no longer holds the lock. */
    runner: string;
    finished_at: number | null;
    /** JSON: what was asked (kind-specific, no secret). */
    input: string;
    /** JSON: what came out (sizes, problems, checks). */
    result: string | null;
    error: string | null;
  };
  /** Each backup at each destination: written, failed (and retried later), or removed by retention. */
  backup_copies: {
    backup_id: string;
    destination: string;
    status: string;
    attempts: number;
    error: string | null;
    updated_at: number;
    bytes: number;
  };
  /** The backups made: what the manifest says, for lists and the newest-backup age (RPO). */
  backup_sets: {
    id: string;
    created_at: number;
    tree_size: number;
    bytes: number;
    manifest_sha256: string;
    dialect: string;
  };
  /** Restore drills: one row per destination drilled, with the checks and the RPO/RTO achieved. */
  backup_drills: {
    id: string;
    job_id: string;
    destination: string;
    backup_id: string | null;
    status: string;
    started_at: number;
    finished_at: number;
    rpo_ms: number | null;
    rto_ms: number | null;
    checks: string;
    error: string | null;
  };
}

export const backupMigrations: ModuleMigration[] = [
  {
    name: '0950_backup',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('backup_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('backup_id', 'text')
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', big, (c) => c.notNull())
        .addColumn('runner', 'text', (c) => c.notNull())
        .addColumn('finished_at', big)
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('backup_jobs_by_status').on('backup_jobs').columns(['status']).execute();
      await db.schema.createIndex('backup_jobs_by_time').on('backup_jobs').columns(['kind', 'requested_at']).execute();
      await db.schema
        .createTable('backup_sets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('tree_size', big, (c) => c.notNull())
        .addColumn('bytes', big, (c) => c.notNull())
        .addColumn('manifest_sha256', 'text', (c) => c.notNull())
        .addColumn('dialect', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('backup_copies')
        .addColumn('backup_id', 'text', (c) => c.notNull())
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('updated_at', big, (c) => c.notNull())
        .addColumn('bytes', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('backup_copies_pk', ['backup_id', 'destination'])
        .execute();
      await db.schema
        .createTable('backup_drills')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('backup_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', big, (c) => c.notNull())
        .addColumn('finished_at', big, (c) => c.notNull())
        .addColumn('rpo_ms', big)
        .addColumn('rto_ms', big)
        .addColumn('checks', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('backup_drills_by_time').on('backup_drills').columns(['started_at']).execute();
    },
  },
];
