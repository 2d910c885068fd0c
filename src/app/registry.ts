import { auditModule } from '../modules/audit/module.js';
import { genealogyModule } from '../modules/genealogy/module.js';
import { identityModule } from '../modules/identity/module.js';
import { plantModule } from '../modules/plant/module.js';
import { qualityModule } from '../modules/quality/module.js';
import { performanceModule } from '../modules/performance/module.js';
import { maintenanceModule } from '../modules/maintenance/module.js';
import { ingestModule } from '../modules/ingest/module.js';
import { opcuaModule } from '../modules/opcua/module.js';
import { productionModule } from '../modules/production/module.js';
import { recipesModule } from '../modules/recipes/module.js';
import { systemModule } from '../modules/system/module.js';
import type { BastionModule } from '../kernel/module.js';

/** Every feature module, in the order their migrations and routes are applied. */
export function allModules(): BastionModule[] {
  return [
    systemModule,
    auditModule,
    identityModule,
    plantModule,
    productionModule,
    genealogyModule,
    qualityModule,
    performanceModule,
    maintenanceModule,
    ingestModule,
    opcuaModule,
    recipesModule,
  ];
}
