import type { BastionModule } from '../../kernel/module.js';
import { genealogyCommands } from './commands.js';
import { genealogyPermissions } from './permissions.js';
import { genealogyRoutes } from './routes.js';
import { mergeLots, splitLot } from './split-merge.js';
import { genealogyMigrations } from './schema.js';
import { genealogyCatalog } from './catalog.js';

/** Material lots and their genealogy: receive, consume and produce, split and merge, serials, hold, trace. */
export const genealogyModule: BastionModule = {
  name: 'genealogy',
  catalog: genealogyCatalog,
  permissions: genealogyPermissions,
  migrations: genealogyMigrations,
  commands: () => [...genealogyCommands, splitLot, mergeLots],
  routes: genealogyRoutes,
};
