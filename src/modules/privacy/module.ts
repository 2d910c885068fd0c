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

/**
 * Privacy: the data catalogue's listing and the clearances the response layer masks by (http/masking.ts).
 * Data-subject requests (export, erasure by crypto-shredding) and their register (subjects/).
 */
export const privacyModule: BastionModule = {
  name: 'privacy',
  catalog: privacyCatalog,
  migrations: [...subjectRequestMigrations],
  commands: (context) => [exportSubject(context), eraseSubject],
  permissions: [...privacyPermissions, ...subjectRequestPermissions],
  routes(app, context) {
    privacyRoutes(app, context);
    subjectRequestRoutes(app, context);
  },
};
