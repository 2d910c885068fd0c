import type { BastionModule } from '../../kernel/module.js';
import type { Witness } from './witness.js';
import { auditPermissions } from './permissions.js';
import { auditRoutes } from './routes.js';
import { auditMigrations } from './schema.js';
import { witnessReport } from './witness-report.js';
import { auditCatalog } from './catalog.js';

/**
 * `witnesses`: every witness the instance writes, local directories and the remote ones app/ composes (the
 * backup destinations); without them (permission listings, migrations), none.
 *
 * The audit log is written by the pipeline, as part of every command. Its one command of its own records a
 * witness that fails or recovers (run by the system, never by a person).
 */
export function auditModule(witnesses: readonly Witness[] = []): BastionModule {
  return {
    name: 'audit',
    catalog: auditCatalog,
    permissions: auditPermissions,
    migrations: auditMigrations,
    commands: () => [witnessReport],
    // The verification route checks against the witnesses this instance writes (local and remote).
    routes: (app, context) => auditRoutes(app, context, witnesses),
  };
}
