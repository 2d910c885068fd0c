import type { BastionModule } from '../../kernel/module.js';
import { RoleAuthorizer } from './authorizer.js';
import { sessionAuthenticator } from './session-cache/authenticator.js';
import { identityCommands } from './commands/index.js';
import { identityPermissions } from './permissions.js';
import { identityRoutes } from './routes.js';
import { terminalRoutes } from './terminals/routes.js';
import { identityMigrations } from './schema.js';
import { createSecretsKey, loadSecretBox } from './secrets.js';
import { SessionSignatures } from './signatures.js';
import { AddressThrottle } from './throttle.js';
import { identityCatalog } from './catalog.js';

export const identityModule: BastionModule = {
  name: 'identity',
  catalog: identityCatalog,
  permissions: identityPermissions,
  migrations: identityMigrations,
  commands(context) {
    createSecretsKey(context.config.dataDir);
    const deps = {
      config: context.config,
      secrets: loadSecretBox(context.config.dataDir),
      permissions: context.permissions,
    };
    // Failed sign-ins per terminal: enough for fumbling fingers on a shift, too few to walk a badge range.
    const perTerminal = new AddressThrottle(20);
    return identityCommands(deps, new AddressThrottle(context.config.identity.addressFailureLimit), perTerminal);
  },
  authorizer: (context) => new RoleAuthorizer(context.permissions, context.db, context.clock),
  signatures: (context) => new SessionSignatures(context, loadSecretBox(context.config.dataDir)),
  authenticator: (context) => sessionAuthenticator(context),
  routes: (app, context) => {
    identityRoutes(app, context);
    terminalRoutes(app, context);
  },
};
