import type { BastionModule } from '../../kernel/module.js';
import { opcuaCommands } from './commands.js';
import { opcuaPermissions } from './permissions.js';
import { opcuaRoutes } from './routes.js';
import { opcuaMigrations } from './schema.js';
import { opcuaService } from './service.js';
import { opcuaCatalog } from './catalog.js';

/**
 * Bastion as an OPC UA client: SignAndEncrypt sessions to configured servers, server certificates
 * refused until a person trusts them, data changes stored as samples in batches whose Merkle roots are
 * chained into the audit log (batch.ts), as ingest does for Sparkplug.
 */
export const opcuaModule: BastionModule = {
  name: 'opcua',
  catalog: opcuaCatalog,
  permissions: opcuaPermissions,
  migrations: opcuaMigrations,
  commands: (context) => opcuaCommands(opcuaService(context).pki),
  routes: opcuaRoutes,
};
