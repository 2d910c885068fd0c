import type { BastionModule } from '../../kernel/module.js';
import { auditPermissions } from './permissions.js';
import { auditRoutes } from './routes.js';
import { auditMigrations } from './schema.js';
import { witnessReport } from './witness-report.js';

/**
 * The audit log is written by the pipeline, as part of every command. Its one command of its own records a
 * witness that fails or recovers (run by the system, never by a person).
 */
export const auditModule: BastionModule = {
  name: 'audit',
  permissions: auditPermissions,
  migrations: auditMigrations,
  commands: () => [witnessReport],
  routes: auditRoutes,
};
