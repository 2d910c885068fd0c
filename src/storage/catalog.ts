import type { BastionModule } from '../kernel/module.js';
import { pipelineCatalog } from '../kernel/pipeline/catalog.js';
import { column, mergeCatalogs, type DataCatalog } from '../kernel/privacy/catalog.js';

const internal = column('internal');

/** Storage's own tables: the migration log and lock, and the fingerprints binding keys to this database. */
export const storageCatalog: DataCatalog = {
  bastion_migrations: {
    description: 'Migrations applied to this database (Kysely migrator).',
    rowKey: 'name',
    columns: { name: internal, timestamp: internal },
  },
  bastion_migration_lock: {
    description: 'The lock that keeps two processes from migrating at once.',
    columns: { id: internal, is_locked: internal },
  },
  instance_keys: {
    description: 'Fingerprints of the keys this database was made with (never the keys).',
    rowKey: 'name',
    columns: { name: internal, fingerprint: column('internal', ['security']), recorded_at: internal },
  },
};

/** The whole instance's catalogue: storage's and the pipeline's tables, then every module's (one composition). */
export function instanceCatalog(modules: readonly Pick<BastionModule, 'catalog'>[]): DataCatalog {
  return mergeCatalogs([storageCatalog, pipelineCatalog, ...modules.flatMap((m) => (m.catalog ? [m.catalog] : []))]);
}
