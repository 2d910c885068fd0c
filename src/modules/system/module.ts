import type { BastionModule } from '../../kernel/module.js';
import { systemStartCommand, systemStop } from './commands.js';
import { systemPermissions } from './permissions.js';
import { systemRoutes } from './routes.js';

export const systemModule: BastionModule = {
  name: 'system',
  permissions: systemPermissions,
  migrations: [],
  commands: (context) => [systemStartCommand(context.dialect), systemStop],
  routes: systemRoutes,
};
