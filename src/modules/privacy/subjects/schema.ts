import type { ModuleMigration } from '../../../kernel/store.js';
import { column, type DataCatalog } from '../../../kernel/privacy/catalog.js';

export interface SubjectRequestTables {
  /** The register of data-subject requests (GDPR Art. 15, 17; CCPA): who asked what about whom, and the outcome. */
  privacy_requests: {
    id: string;
    kind: string;
    subject_id: string;
    requested_by: string;
    requested_at: number;
    reason: string | null;
    /** Counts only (rows exported, keys shredded…): never the person's data. */
    summary: string;
  };
}

export const subjectRequestMigrations: ModuleMigration[] = [
  {
    name: '1310_privacy_requests',
    async up(db, storage) {
      await db.schema
        .createTable('privacy_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', storage.capabilities.bigIntType, (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('summary', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('privacy_requests_subject')
        .on('privacy_requests')
        .columns(['subject_id', 'requested_at'])
        .execute();
    },
  },
];

export const subjectRequestCatalog: DataCatalog = {
  privacy_requests: {
    description: 'The register of data-subject requests (export, erasure): kept as evidence of compliance.',
    columns: {
      id: column('internal'),
      kind: column('internal', ['security']),
      // The subject's account id: pseudonymous once the account is erased.
      subject_id: column('confidential', ['personal']),
      requested_by: column('confidential', ['personal', 'security']),
      requested_at: column('internal', ['security']),
      reason: column('confidential', ['security']),
      summary: column('internal', ['security']),
    },
  },
};
