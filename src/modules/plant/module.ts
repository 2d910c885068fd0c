import type { BastionModule } from '../../kernel/module.js';
import { plantCommands } from './commands.js';
import { plantPermissions } from './permissions.js';
import { plantRoutes } from './routes.js';
import { plantMigrations } from './schema.js';
import { plantCatalog } from './catalog.js';

/** ISA-95 equipment hierarchy: the nodes that role scopes, orders and records attach to. */
export const plantModule: BastionModule = {
  name: 'plant',
  catalog: plantCatalog,
  permissions: plantPermissions,
  migrations: plantMigrations,
  commands: () => plantCommands,
  routes: plantRoutes,
};
