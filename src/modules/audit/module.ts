import type { BastionModule } from '../../app/modules.js';
import { auditPermissions } from './permissions.js';
import { auditRoutes } from './routes.js';
import { auditMigrations } from './schema.js';

/** The audit log has no commands of its own: it is written only by the pipeline, as part of every command. */
export const auditModule: BastionModule = {
  name: 'audit',
  permissions: auditPermissions,
  migrations: auditMigrations,
  commands: () => [],
  routes: auditRoutes,
};
