import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const internal = column('internal');
const actor = column('internal', ['personal']);

/** Backup jobs, sets, copies and restore drills (the archives themselves live outside the database). */
export const backupCatalog: DataCatalog = {
  backup_jobs: {
    description: 'Requested backup, verification, drill and restore work and its outcome.',
    columns: {
      id: internal,
      kind: internal,
      status: internal,
      backup_id: internal,
      requested_by: actor,
      requested_at: internal,
      runner: internal,
      finished_at: internal,
      input: column('internal', ['security']),
      result: column('internal', ['security']),
      error: internal,
    },
  },
  backup_sets: {
    description: 'Backups taken: size, audit tree size and manifest digest.',
    columns: {
      id: internal,
      created_at: internal,
      tree_size: internal,
      bytes: internal,
      manifest_sha256: column('internal', ['security']),
      dialect: internal,
    },
  },
  backup_copies: {
    description: 'Where each backup was copied, and how the copy went.',
    rowKey: ['backup_id', 'destination'],
    columns: {
      backup_id: internal,
      destination: column('internal', ['security']),
      status: internal,
      attempts: internal,
      error: internal,
      updated_at: internal,
      bytes: internal,
    },
  },
  backup_drills: {
    description: 'Restore drills: the backup restored into a sandbox, the checks run, RPO and RTO measured.',
    columns: {
      id: internal,
      job_id: internal,
      destination: column('internal', ['security']),
      backup_id: internal,
      status: internal,
      started_at: internal,
      finished_at: internal,
      rpo_ms: internal,
      rto_ms: internal,
      checks: internal,
      error: internal,
    },
  },
};
