import type { BastionModule } from '../../kernel/module.js';
import { productionCommands } from './commands.js';
import { operationCommands } from './operations.js';
import { orderCommands } from './orders.js';
import { productionPermissions } from './permissions.js';
import { productionRoutes } from './routes.js';
import { productionMigrations } from './schema.js';
import { productionCatalog } from './catalog.js';

/** ISA-95 material and product definitions: materials, versioned bills of materials and routings. */
export const productionModule: BastionModule = {
  name: 'production',
  catalog: productionCatalog,
  permissions: productionPermissions,
  migrations: productionMigrations,
  commands: () => [...productionCommands, ...orderCommands, ...operationCommands],
  routes: productionRoutes,
};
