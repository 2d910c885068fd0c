import type { BastionModule } from '../../app/modules.js';
import { genealogyCommands } from './commands.js';
import { genealogyPermissions } from './permissions.js';
import { genealogyRoutes } from './routes.js';
import { genealogyMigrations } from './schema.js';

/** Material lots and their genealogy: receive, consume and produce, hold, trace backward and forward. */
export const genealogyModule: BastionModule = {
  name: 'genealogy',
  permissions: genealogyPermissions,
  migrations: genealogyMigrations,
  commands: () => genealogyCommands,
  routes: genealogyRoutes,
};
