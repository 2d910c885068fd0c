import type { BastionModule } from '../../app/modules.js';
import { identityCommands } from './commands.js';
import { identityPermissions } from './permissions.js';
import { identityRoutes } from './routes.js';
import { identityMigrations } from './schema.js';

export const identityModule: BastionModule = {
  name: 'identity',
  permissions: identityPermissions,
  migrations: identityMigrations,
  commands: (bastion) => identityCommands(bastion.config.session.absoluteHours),
  routes: identityRoutes,
};
