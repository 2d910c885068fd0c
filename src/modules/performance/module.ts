import type { BastionModule } from '../../kernel/module.js';
import { reportCount, setState } from './commands.js';
import { applyTelemetryCommand } from './telemetry.js';
import { performancePermissions } from './permissions.js';
import { performanceRoutes } from './routes.js';
import { performanceMigrations } from './schema.js';
import { performanceCatalog } from './catalog.js';

/** Machine states and part counts; OEE, TEEP, the six big losses and down-time Pareto over any window. */
export const performanceModule: BastionModule = {
  name: 'performance',
  catalog: performanceCatalog,
  permissions: performancePermissions,
  migrations: performanceMigrations,
  commands: () => [setState, reportCount, applyTelemetryCommand],
  routes: performanceRoutes,
};
