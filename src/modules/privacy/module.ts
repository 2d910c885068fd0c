import type { BastionModule } from '../../kernel/module.js';
import { privacyCatalog } from './catalog.js';
import { privacyPermissions } from './permissions.js';
import { privacyRoutes } from './routes.js';

/**
 * Privacy: the data catalogue's listing and the clearances the response layer masks by (http/masking.ts).
 * Retention, disposal and subject requests join it later.
 */
export const privacyModule: BastionModule = {
  name: 'privacy',
  catalog: privacyCatalog,
  migrations: [],
  commands: () => [],
  permissions: privacyPermissions,
  routes: privacyRoutes,
};
