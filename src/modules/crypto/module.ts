import type { BastionModule } from '../../kernel/module.js';
import { cryptoCatalog } from './catalog.js';
import { reencryptBatch, retireKeys, rotateKek, startRotation, type CryptoService } from './commands.js';
import { Keyring } from './keyring.js';
import { cryptoPermissions } from './permissions.js';
import { cryptoRoutes } from './routes.js';
import { sealClearCommands } from './seal-clear.js';
import { cryptoMigrations } from './schema.js';

/**
 * The keyring and its rotation. The keyring itself is made by app/bastion.ts (it must exist before any
 * module's context); its commands here share it through the service, which also holds the merged catalogue.
 */
export function cryptoModule(keyring: Keyring = new Keyring({ now: () => Date.now() })): BastionModule & {
  service: CryptoService;
} {
  const service: CryptoService = { keyring, catalog: {} };
  return {
    name: 'crypto',
    service,
    permissions: cryptoPermissions,
    migrations: cryptoMigrations,
    catalog: cryptoCatalog,
    commands(context) {
      service.catalog = context.catalog;
      return [
        ...[startRotation, reencryptBatch, retireKeys, rotateKek].map((make) => make(service)),
        ...sealClearCommands(service),
      ];
    },
    routes: cryptoRoutes,
  };
}
