import type { BastionModule } from '../../kernel/module.js';
import { privacyCatalog } from './catalog.js';
import { privacyPermissions } from './permissions.js';
import { privacyRoutes } from './routes.js';
import {
  eraseSubject,
  exportSubject,
  subjectRequestMigrations,
  subjectRequestPermissions,
  subjectRequestRoutes,
} from './subjects/index.js';
import { disposalCommands, disposePermission } from './retention/index.js';

/**
 * Privacy: the data catalogue's listing and the clearances the response layer masks by (http/masking.ts).
 * Data-subject requests (export, erasure by crypto-shredding) and their register (subjects/); retention and
 * disposal by category, former staff crypto-shredded (retention/).
 */
export const privacyModule: BastionModule = {
  name: 'privacy',
  catalog: privacyCatalog,
  migrations: [...subjectRequestMigrations],
  commands(context) {
    const { dispose, scheduled } = disposalCommands({ config: context.config, catalog: context.catalog });
    return [exportSubject(context), eraseSubject, dispose, scheduled];
  },
  permissions: [...privacyPermissions, ...subjectRequestPermissions, disposePermission],
  routes(app, context) {
    privacyRoutes(app, context);
    subjectRequestRoutes(app, context);
  },
};
