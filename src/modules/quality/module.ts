import type { BastionModule } from '../../kernel/module.js';
import { qualityCommands } from './commands.js';
import { qualityPermissions } from './permissions.js';
import { qualityRoutes } from './routes.js';
import { qualityMigrations } from './schema.js';
import { qualityCatalog } from './catalog.js';

/** Inspection plans, results with computed verdicts, automatic holds, non-conformance and SPC. */
export const qualityModule: BastionModule = {
  name: 'quality',
  catalog: qualityCatalog,
  permissions: qualityPermissions,
  migrations: qualityMigrations,
  commands: () => qualityCommands,
  routes: qualityRoutes,
};
