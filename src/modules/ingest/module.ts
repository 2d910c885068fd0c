import type { BastionModule } from '../../kernel/module.js';
import { commitBatch } from './commit.js';
import { deviceCommands } from './devices.js';
import { ingestPermissions } from './permissions.js';
import { ingestRoutes } from './routes.js';
import { ingestMigrations } from './schema.js';
import { ingestCatalog } from './catalog.js';

/**
 * Device ingestion: the device registry (identities bound to equipment and a Sparkplug namespace), the
 * embedded MQTT broker (`startIngest` in broker.ts, started by `serve`), Sparkplug B and JSON decoding,
 * batched commits whose Merkle roots are chained into the audit log, quarantine and security events.
 */
export const ingestModule: BastionModule = {
  name: 'ingest',
  catalog: ingestCatalog,
  permissions: ingestPermissions,
  migrations: ingestMigrations,
  commands: () => [...deviceCommands, commitBatch],
  routes: ingestRoutes,
};
