import type { BastionModule } from '../../kernel/module.js';
import { completeOrder, reportFault, startOrder } from './orders.js';
import { maintenancePermissions } from './permissions.js';
import { definePlan, schedulePlans } from './plans.js';
import { maintenanceRoutes } from './routes.js';
import { maintenanceMigrations } from './schema.js';
import { maintenanceCatalog } from './catalog.js';

/** Corrective and preventive (calendar or counter) maintenance orders, parts, down time, equipment history. */
export const maintenanceModule: BastionModule = {
  name: 'maintenance',
  catalog: maintenanceCatalog,
  permissions: maintenancePermissions,
  migrations: maintenanceMigrations,
  commands: () => [reportFault, startOrder, completeOrder, definePlan, schedulePlans],
  routes: maintenanceRoutes,
};
