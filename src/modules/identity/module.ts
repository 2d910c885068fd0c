import type { BastionModule } from '../../kernel/module.js';
import { RoleAuthorizer } from './authorizer.js';
import { identityCommands } from './commands/index.js';
import { identityPermissions } from './permissions.js';
import { identityRoutes } from './routes.js';
import { identityMigrations } from './schema.js';
import { createSecretsKey, loadSecretBox } from './secrets.js';
import { SessionSignatures } from './signatures.js';
import { AddressThrottle } from './throttle.js';

export const identityModule: BastionModule = {
  name: 'identity',
  permissions: identityPermissions,
  migrations: identityMigrations,
  commands(bastion) {
    createSecretsKey(bastion.config.dataDir);
    const deps = {
      config: bastion.config,
      secrets: loadSecretBox(bastion.config.dataDir),
      permissions: bastion.permissions,
    };
    return identityCommands(deps, new AddressThrottle(bastion.config.identity.addressFailureLimit));
  },
  authorizer: (bastion) => new RoleAuthorizer(bastion.permissions, bastion.storage.db, bastion.clock),
  signatures: (bastion) => new SessionSignatures(bastion, loadSecretBox(bastion.config.dataDir)),
  routes: identityRoutes,
};
