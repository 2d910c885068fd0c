import { auditModule } from '../modules/audit/module.js';
import { backupModule } from '../modules/backup/module.js';
import { cryptoModule } from '../modules/crypto/module.js';
import type { Keyring } from '../modules/crypto/index.js';
import { genealogyModule } from '../modules/genealogy/module.js';
import { identityModule } from '../modules/identity/module.js';
import { plantModule } from '../modules/plant/module.js';
import { privacyModule } from '../modules/privacy/module.js';
import { qualityModule } from '../modules/quality/module.js';
import { performanceModule } from '../modules/performance/module.js';
import { monitoringModule } from '../modules/monitoring/module.js';
import { maintenanceModule } from '../modules/maintenance/module.js';
import { ingestModule } from '../modules/ingest/module.js';
import { opcuaModule } from '../modules/opcua/module.js';
import { productionModule } from '../modules/production/module.js';
import { recipesModule } from '../modules/recipes/module.js';
import { systemModule } from '../modules/system/module.js';
import type { BastionModule } from '../kernel/module.js';
import type { Witness } from '../modules/audit/index.js';

/**
 * Every feature module, in the order their migrations and routes are applied. `witnesses`: the audit
 * witnesses the instance writes (its verification route reads them); listings of permissions need none.
 * `keyring`: the instance's (app/bastion.ts); the crypto module comes before identity, whose fields it seals.
 */
export function allModules(witnesses: readonly Witness[] = [], keyring?: Keyring): BastionModule[] {
  return [
    systemModule,
    auditModule(witnesses),
    cryptoModule(keyring),
    identityModule,
    privacyModule,
    plantModule,
    productionModule,
    genealogyModule,
    qualityModule,
    performanceModule,
    maintenanceModule,
    ingestModule,
    opcuaModule,
    recipesModule,
    backupModule,
    monitoringModule,
  ];
}
