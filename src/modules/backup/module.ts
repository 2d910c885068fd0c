import type { BastionModule } from '../../kernel/module.js';
import { backupJobCommands } from './jobs.js';
import { finishJob } from './outcomes.js';
import { backupPermissions } from './permissions.js';
import { backupRoutes } from './routes.js';
import { backupMigrations } from './schema.js';
import { backupCatalog } from './catalog.js';

/**
 * Backups, restores and restore drills. Requests are commands (authorized, audited, one job at a time); the
 * work runs after commit, in the server (BackupService) or in the CLI process, and its outcome is recorded by
 * one more command.
 */
export const backupModule: BastionModule = {
  name: 'backup',
  catalog: backupCatalog,
  permissions: backupPermissions,
  migrations: backupMigrations,
  commands: (context) => [...Object.values(backupJobCommands(context.config)), finishJob],
  routes: backupRoutes,
};
